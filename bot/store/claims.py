"""Claims: the first process to claim a key handles what it names (an event delivered twice, by a
platform's retry or to two replicas, is handled once). A claim expires after `ttl` seconds."""

from __future__ import annotations

from redis.asyncio import Redis

from bot import keys


async def claim_once(redis: Redis, prefix: str, event_id: str, ttl: int) -> bool:
    """True for the first caller with this `event_id` within `ttl` seconds, False for every later one.
    Raises redis.exceptions.RedisError when Redis cannot be reached."""
    return bool(await redis.set(keys.event_claim(prefix, event_id), "1", nx=True, ex=ttl))
