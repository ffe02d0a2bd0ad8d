"""What a sync needs, and nothing more: the settings, Redis, the configured embedding model and its
index (the one ingest writes), and the index questions are answered from while a model switch is
under way. The scheduler and the CLI open one of their own; a bot process syncing from chat borrows
its Lorebot's connection and models (`IngestContext.of`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis

from bot.core import Lorebot
from bot.keys import LAYOUT
from bot.retrieval.embedder import CachedEmbedder
from bot.retrieval.serving_model import Serving, open_model, serving_model
from bot.store.connection import connect
from bot.store.index import Indexes
from ingest.indexer import Indexer
from ingest.settings import IngestSettings


@dataclass
class IngestContext:
    settings: IngestSettings
    redis: Redis
    embedder: CachedEmbedder  # the configured model: ingest always writes with it
    indexes: Indexes
    serving: Indexes  # the index questions use: `indexes`, or the previous model's during a switch
    owned: bool = True  # opened here (closed by close()), or borrowed from a Lorebot

    @classmethod
    async def open(cls, settings: IngestSettings) -> IngestContext:
        """Connect and open the configured model and its index (no chat model, no retriever).
        Raises RedisUnavailable, EmbeddedRedisError or ModelUnavailable."""
        redis = await connect(settings)
        try:
            embedder, indexes = await open_model(settings, redis)
            serving = indexes
            active = await serving_model(redis, settings, quiet=True)
            if active != Serving(settings.embeddings, LAYOUT):
                _, serving = await open_model(settings.model_copy(update={"embeddings": active.spec}), redis,
                                              active.layout)
        except BaseException:
            await redis.aclose()
            raise
        return cls(settings, redis, embedder, indexes, serving)

    @classmethod
    def of(cls, bot: Lorebot) -> IngestContext:
        """Borrow a running bot's connection and models (its settings are the process's whole object)."""
        embedder, indexes = bot.ingest_model()
        return cls(cast(IngestSettings, bot.settings), bot.redis, embedder, indexes, bot.indexes, owned=False)

    def indexer(self) -> Indexer:
        return Indexer(self.redis, self.indexes, self.embedder, self.settings.embeddings,
                       self.settings.chunk_tokens or None)

    async def close(self) -> None:
        if self.owned:
            await self.embedder.close()
            await self.redis.aclose()


def indexer_for(bot: Lorebot) -> Indexer:
    """The indexer writing to a running bot's configured model and index."""
    return IngestContext.of(bot).indexer()
