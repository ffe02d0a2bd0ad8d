"""Removing a source: its indexed documents and chunks, its channel links, record, report and
downloaded export. It takes the source's lock, so a sync never writes a removed source back."""

from __future__ import annotations

import asyncio
import shutil

from bot.core import Lorebot
from bot.models import forget_source
from bot.sources import Registry
from ingest.fetch import download_path
from ingest.scheduled_sync import source_lock
from ingest.sync import Indexer


async def remove_source(bot: Lorebot, name: str) -> int:
    """The number of documents deleted from the index; raises SourceError for an unknown name and
    SyncBusy while it syncs."""
    registry = Registry(bot.redis, bot.settings.key_prefix)
    if name not in await registry.names():
        await registry.require(name)  # raises, naming the sources there are
    async with source_lock(bot, name).exclusive():
        ingest = bot.indexer()
        deleted = await ingest.delete_source(name)
        if bot.indexes is not ingest.indexes:  # a model switch-over is in progress: clear the serving index too
            serving = Indexer(bot.redis, bot.indexes, bot.embedder, bot.settings.embeddings)
            deleted = max(deleted, await serving.delete_source(name))
        await forget_source(bot.redis, bot.settings.key_prefix, name)
        await registry.forget(name)
        await asyncio.to_thread(shutil.rmtree, download_path(bot.settings, name).parent, True)
    return deleted
