"""Connecting to Redis: the embedded server when REDIS_URL is unset, else REDIS_URL, which must
have the search module."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from bot.redis_server import ensure_embedded_redis
from bot.settings import Settings


class RedisUnavailable(RuntimeError):
    """Redis cannot be used; the message says why and what to do, with no credentials in it."""


NO_SEARCH = (
    "the Redis server at REDIS_URL has no search module (RediSearch), which Lorebot needs for vector and "
    "full-text search. Use Redis 8 or newer, Redis Stack, or Redis Cloud with Search and Query; or unset "
    "REDIS_URL to use Lorebot's embedded server."
)


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


async def resolve_redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    server = await asyncio.to_thread(ensure_embedded_redis, settings.redis_dir)
    return server.url


async def connect(settings: Settings) -> Redis:
    url = await resolve_redis_url(settings)
    client = Redis.from_url(
        url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=15, retry_on_timeout=True,
    )
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        raise RedisUnavailable(f"cannot reach Redis at {redacted(url)}: {type(exc).__name__}") from None
    try:
        await client.execute_command("FT._LIST")
    except ResponseError:
        await client.aclose()
        raise RedisUnavailable(NO_SEARCH) from None
    return client
