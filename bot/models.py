"""Which embedding model serves questions.

Changing LOREBOT_EMBEDDINGS must not leave the bot answering from a half-built index: every model has
its own index, ingest always writes with the configured model, and questions keep using the previous
model's index until every known source has been synced with the new one; then it becomes active.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from bot.access import sources_key
from bot.settings import Settings

log = logging.getLogger(__name__)


def _active_key(prefix: str) -> str:
    return f"{prefix}:active-model"


def synced_key(prefix: str, model_id: str) -> str:
    """The set of sources completely synced with `model_id`."""
    return f"{prefix}:synced:{model_id}"


def _s(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


async def serving_spec(redis: Redis, settings: Settings, quiet: bool = False) -> str:
    """The LOREBOT_EMBEDDINGS spec whose index answers questions now."""
    active = await redis.hgetall(_active_key(settings.key_prefix))
    spec = _s(active.get(b"spec") or active.get("spec")) if active else None
    if spec and spec != settings.embeddings and not quiet:
        log.info("answering with the %s index until every source is synced with %s", spec, settings.embeddings)
    return spec or settings.embeddings


async def mark_synced(redis: Redis, prefix: str, model_id: str, spec: str, source: str) -> bool:
    """Record a complete sync of `source` with this model; make the model active once every known
    source is synced with it. True when this call switched the active model."""
    await redis.sadd(synced_key(prefix, model_id), source)
    await redis.sadd(sources_key(prefix), source)
    active = await redis.hgetall(_active_key(prefix))
    current = _s(active.get(b"model_id") or active.get("model_id")) if active else None
    if current == model_id:
        return False
    known = {_s(m) for m in await redis.smembers(sources_key(prefix))}
    synced = {_s(m) for m in await redis.smembers(synced_key(prefix, model_id))}
    if current is not None and not known <= synced:
        return False
    await redis.hset(_active_key(prefix), mapping={"model_id": model_id, "spec": spec})
    if current is not None:
        log.info("embedding model switched from %s to %s: every source is synced", current, model_id)
    return True


async def forget_source(redis: Redis, prefix: str, source: str) -> None:
    """A removed source no longer holds back a model switch."""
    await redis.srem(sources_key(prefix), source)
    async for key in redis.scan_iter(match=f"{prefix}:synced:*"):
        await redis.srem(key, source)
