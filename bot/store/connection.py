"""Connecting to Redis: the embedded server when REDIS_URL is unset, else REDIS_URL, which must
have the search module."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff
from redis.exceptions import RedisError, ResponseError

from bot.settings import Settings
from bot.store.redis_server import EmbeddedRedisError, ensure_embedded_redis

log = logging.getLogger(__name__)


class RedisUnavailable(RuntimeError):
    """Redis cannot be used; the message says why and what to do, with no credentials in it."""


MAX_CONNECTIONS = 64  # per process; a command waits for a free one rather than failing
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


async def revive_embedded(settings: Settings) -> None:
    """Start the embedded server again if it died (killed, out of memory): same port and data, so
    every open client reconnects by itself."""
    if settings.redis_url:
        return  # a server someone else runs
    try:
        server = await asyncio.to_thread(ensure_embedded_redis, settings.redis_dir)
    except (EmbeddedRedisError, OSError) as exc:
        log.error("could not restart the embedded Redis: %s", exc)
        return
    if server.started:
        log.warning("the embedded Redis had stopped; restarted it on port %d from its data", server.port)


def retry_policy() -> Retry:
    """Reconnect through a short outage (a restart, a failover) for 1.75 to 3.5 s before a command
    fails. (A pool made from a URL would otherwise retry once, at once: not redis-py's usual policy.)"""
    return Retry(EqualJitterBackoff(cap=1.0, base=0.05), retries=6)


async def connect(settings: Settings) -> Redis:
    url = await resolve_redis_url(settings)
    # A blocking pool: under a burst of questions (each runs several searches at once) a command waits
    # for a free connection instead of failing with MaxConnectionsError as the default pool does.
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=20, socket_connect_timeout=5, socket_timeout=30,
        health_check_interval=15, retry_on_timeout=True,
    )
    client = Redis.from_pool(pool)
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
    client.set_retry(retry_policy())  # fail fast at start; once serving, ride out a restart
    return client
