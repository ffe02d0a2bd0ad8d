"""Which embedding model serves questions.

Changing LOREBOT_EMBEDDINGS must not leave the bot answering from a half-built index: every model has
its own index, ingest always writes with the configured model, and questions keep using the previous
model's index until every known source has been synced with the new one; then it becomes active.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from bot import keys
from bot.retrieval.embedder import CachedEmbedder, build_embedder
from bot.settings import Settings
from bot.store.index import Indexes, open_indexes

log = logging.getLogger(__name__)


def _s(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


async def serving_spec(redis: Redis, settings: Settings, quiet: bool = False) -> str:
    """The LOREBOT_EMBEDDINGS spec whose index answers questions now."""
    active = await redis.hgetall(keys.active_model(settings.key_prefix))
    spec = _s(active.get(b"spec") or active.get("spec")) if active else None
    if spec and spec != settings.embeddings and not quiet:
        log.info("answering with the %s index until every source is synced with %s", spec, settings.embeddings)
    return spec or settings.embeddings


async def mark_synced(redis: Redis, prefix: str, model_id: str, spec: str, source: str) -> bool:
    """Record a complete sync of `source` with this model; make the model active once every known
    source is synced with it. True when this call switched the active model."""
    await redis.sadd(keys.synced(prefix, model_id), source)
    await redis.sadd(keys.sources(prefix), source)
    active = await redis.hgetall(keys.active_model(prefix))
    current = _s(active.get(b"model_id") or active.get("model_id")) if active else None
    if current == model_id:
        return False
    known = {_s(m) for m in await redis.smembers(keys.sources(prefix))}
    synced = {_s(m) for m in await redis.smembers(keys.synced(prefix, model_id))}
    if current is not None and not known <= synced:
        return False
    await redis.hset(keys.active_model(prefix), mapping={"model_id": model_id, "spec": spec})
    if current is not None:
        log.info("embedding model switched from %s to %s: every source is synced", current, model_id)
    return True


async def forget_source(redis: Redis, prefix: str, source: str) -> None:
    """A removed source no longer holds back a model switch."""
    await redis.srem(keys.sources(prefix), source)
    async for key in redis.scan_iter(match=keys.synced_pattern(prefix)):
        await redis.srem(key, source)


async def open_model(settings: Settings, redis: Redis) -> tuple[CachedEmbedder, Indexes]:
    """The embedder of `settings.embeddings` (behind the embeddings cache) and its indexes, created
    when missing; a remote model is asked its dimensions. Raises ModelUnavailable when it cannot be."""
    embedder = CachedEmbedder(build_embedder(settings), redis, settings.key_prefix)
    if not embedder.dims:  # a remote model: ask it
        await embedder.prepare()
    return embedder, await open_indexes(redis, settings.key_prefix, embedder.model_id, embedder.dims)
