"""Data on disk from before the layers move (Lorebot at commit 23958f4) is served as it is: the same
Redis keys, index names and records, so nothing is embedded again (tests/data/compat-23958f4 says
how that data was made)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adapters.settings import load_settings
from bot.core import Lorebot
from bot.store.redis_server import ensure_embedded_redis, stop_embedded_redis
from bot.types import Question
from ingest.context import IngestContext

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "compat-23958f4"


@pytest.fixture
def old_redis(tmp_path):
    directory = tmp_path / "redis"
    shutil.copytree(FIXTURE / "redis", directory)
    server = ensure_embedded_redis(directory)
    yield server
    stop_embedded_redis(directory)


async def test_an_index_built_before_the_move_is_served_without_embedding_again(old_redis, tmp_path):
    settings = load_settings(_env_file=None, REDIS_URL=old_redis.url, LOREBOT_KEY_PREFIX="compat",
                             LOREBOT_DATA_DIR=str(tmp_path / "data"))
    bot = await Lorebot.open(settings)
    try:
        answer = await bot.answer(Question("slack", "C1", "How long are the database backups kept?"))
        assert answer.citations and answer.citations[0].title == "Backups"
        assert "35 days" in answer.citations[0].quote
        report = await IngestContext.of(bot).indexer().sync("handbook", FIXTURE / "export")
        # The index layout has moved on since (language-aware keyword fields): the re-sync writes the
        # three pages into the new layout's index, every chunk's embedding from the cache, while
        # questions keep being answered from the old one until every source is synced.
        assert (report.added + report.changed + report.unchanged, report.deleted) == (3, 0)
        assert report.chunks_embedded == 0
        again = await bot.answer(Question("slack", "C1", "How long are the database backups kept?"))
        assert again.citations and again.citations[0].title == "Backups"
    finally:
        await bot.close()
