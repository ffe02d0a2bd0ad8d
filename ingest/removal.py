"""Removing a source: its indexed documents and chunks, its channel links, record, report and
downloaded export. It takes the source's lock, so a sync never writes a removed source back."""

from __future__ import annotations

import asyncio
import shutil

from bot.retrieval.serving_model import forget_source
from ingest.context import IngestContext
from ingest.fetch import download_path
from ingest.indexer import Indexer
from ingest.source_sync import source_lock
from ingest.sources import Registry


async def remove_source(ctx: IngestContext, name: str) -> int:
    """The number of documents deleted from the index; raises SourceError for an unknown name and
    SyncBusy while it syncs."""
    registry = Registry(ctx.redis, ctx.settings.key_prefix)
    if name not in await registry.names():
        await registry.require(name)  # raises, naming the sources there are
    async with source_lock(ctx, name).exclusive():
        deleted = await ctx.indexer().delete_source(name)
        if ctx.serving is not ctx.indexes:  # a model switch-over is in progress: clear the serving index too
            serving = Indexer(ctx.redis, ctx.serving, ctx.embedder, ctx.settings.embeddings)
            deleted = max(deleted, await serving.delete_source(name))
        await forget_source(ctx.redis, ctx.settings.key_prefix, name)
        await registry.forget(name)
        await asyncio.to_thread(shutil.rmtree, download_path(ctx.settings, name).parent, True)
    return deleted
