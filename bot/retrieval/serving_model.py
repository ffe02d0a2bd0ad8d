"""Which embedding model serves questions.

Changing LOREBOT_EMBEDDINGS must not leave the bot answering from a half-built index: every model has
its own index, ingest always writes with the configured model, and questions keep using the previous
model's index until every known source has been synced with the new one; then it becomes active.
A new index layout (bot.keys.LAYOUT: what the index holds, how it is searched) switches the same
way: an index built before keeps answering until every source is synced into the new layout
(re-embedding nothing: the embeddings cache is keyed by text).
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from redis.asyncio import Redis

from bot import keys
from bot.keys import LAYOUT, IndexKeys
from bot.retrieval.embedder import CachedEmbedder, build_embedder
from bot.settings import Settings
from bot.store.index import Indexes, open_indexes

log = logging.getLogger(__name__)


def _s(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class Serving(NamedTuple):
    """The LOREBOT_EMBEDDINGS spec and index layout whose index answers questions."""

    spec: str
    layout: int


def _field(active: dict, name: str) -> str | None:
    return _s(active.get(name.encode()) or active.get(name)) if active else None


async def serving_model(redis: Redis, settings: Settings, quiet: bool = False) -> Serving:
    """The spec and layout whose index answers questions now (the configured model in the current
    layout when nothing has been synced yet)."""
    active = await redis.hgetall(keys.active_model(settings.key_prefix))
    spec = _field(active, "spec")
    if not spec:
        return Serving(settings.embeddings, LAYOUT)
    layout = int(_field(active, "layout") or 1)  # recorded before layouts existed: the first one
    if (spec, layout) != (settings.embeddings, LAYOUT) and not quiet:
        log.info("answering with the %s index (layout %d) until every source is synced with %s (layout %d)",
                 spec, layout, settings.embeddings, LAYOUT)
    return Serving(spec, layout)


async def serving_spec(redis: Redis, settings: Settings, quiet: bool = False) -> str:
    """The LOREBOT_EMBEDDINGS spec whose index answers questions now."""
    return (await serving_model(redis, settings, quiet)).spec


async def mark_synced(redis: Redis, prefix: str, model_id: str, spec: str, source: str, layout: int = LAYOUT) -> bool:
    """Record a complete sync of `source` with this model and layout; make them active once every
    known source is synced with them. True when this call switched the active model."""
    index_id = IndexKeys(prefix, model_id, layout).index_id
    await redis.sadd(keys.synced(prefix, index_id), source)
    await redis.sadd(keys.sources(prefix), source)
    active = await redis.hgetall(keys.active_model(prefix))
    current = _field(active, "model_id")
    current_id = IndexKeys(prefix, current, int(_field(active, "layout") or 1)).index_id if current else None
    if current_id == index_id:
        return False
    known = {_s(m) for m in await redis.smembers(keys.sources(prefix))}
    synced = {_s(m) for m in await redis.smembers(keys.synced(prefix, index_id))}
    if current is not None and not known <= synced:
        return False
    await redis.hset(keys.active_model(prefix), mapping={"model_id": model_id, "spec": spec, "layout": layout})
    if current is not None:
        log.info("index switched from %s to %s: every source is synced", current_id, index_id)
    return True


async def forget_source(redis: Redis, prefix: str, source: str) -> None:
    """A removed source no longer holds back a model switch."""
    await redis.srem(keys.sources(prefix), source)
    async for key in redis.scan_iter(match=keys.synced_pattern(prefix)):
        await redis.srem(key, source)


async def open_model(settings: Settings, redis: Redis, layout: int = LAYOUT) -> tuple[CachedEmbedder, Indexes]:
    """The embedder of `settings.embeddings` (behind the embeddings cache) and its indexes in
    `layout`, created when missing; a remote model is asked its dimensions. Raises ModelUnavailable
    when it cannot be."""
    embedder = CachedEmbedder(build_embedder(settings), redis, settings.key_prefix)
    if not embedder.dims:  # a remote model: ask it
        await embedder.prepare()
    return embedder, await open_indexes(redis, settings.key_prefix, embedder.model_id, embedder.dims, layout)
