"""Redis faults on a private embedded server: restarted or killed in the middle of a sync, down when a
question arrives, killed with -9 while serving. The sync completes or resumes with no orphan or
duplicate chunk, serving resumes without restarting Lorebot, and index and memories come back."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.core import DEADLINE_GRACE_S, REDIS_DOWN, Lorebot
from bot.store.redis_server import ensure_embedded_redis, stop_embedded_redis
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.robustness.blackhole import Blackhole
from testkit.robustness.index_check import index_state
from testkit.robustness.sync_faults import PAGES, codename, export, when_written


@pytest.fixture
async def private_bot(private_redis, make_settings, fake_model_env):
    bot = await Lorebot.open(make_settings(REDIS_URL=private_redis.url, **fake_model_env))
    yield bot
    await bot.close()


async def test_sync_survives_a_quick_restart_midway(private_redis, private_bot, fake_openai, tmp_path):
    """SHUTDOWN in the middle of a sync and back about 0.2 s later: the client's retries ride it out, the sync
    completes, and the index matches the export exactly."""
    files = export(tmp_path / "export")
    fake_openai.delay = 0.05  # widen the window between batches
    watcher = Redis.from_url(private_redis.url)

    def bounce():
        private_redis.shutdown()
        time.sleep(0.1)
        private_redis.restart()

    sync = asyncio.create_task(indexer_for(private_bot).sync("docs", tmp_path / "export"))
    written = await when_written(watcher, private_bot, PAGES // 4, bounce)
    assert written < PAGES, "the restart came too late to test anything"
    report = await sync
    assert report.ok and report.added == PAGES and not report.failed
    counts = await index_state(private_bot.redis, private_bot.indexes.keys, "docs")
    assert set(counts) == set(files)
    assert sum(counts.values()) == report.chunks_written
    await watcher.aclose()


async def test_sync_resumes_after_kill9_and_a_long_outage(private_redis, private_bot, fake_openai, tmp_path):
    """kill -9 in the middle of a sync and down until the sync gives up: the sync fails with an error
    (no hang), and once Redis is back a second run adds only what is missing."""
    files = export(tmp_path / "export")
    fake_openai.delay = 0.05
    watcher = Redis.from_url(private_redis.url)
    sync = asyncio.create_task(indexer_for(private_bot).sync("docs", tmp_path / "export"))
    written = await when_written(watcher, private_bot, PAGES // 3, private_redis.kill9)
    await watcher.aclose()
    with pytest.raises(RedisConnectionError):
        await asyncio.wait_for(sync, 60)

    private_redis.restart()
    done_before = len(await index_state(private_bot.redis, private_bot.indexes.keys, "docs"))
    # appendfsync everysec: a kill -9 may lose the last second of writes, never more; the next run redoes them.
    assert 0 < done_before < PAGES, (written, done_before)
    report = await indexer_for(private_bot).sync("docs", tmp_path / "export")
    assert report.ok and (report.added, report.unchanged, report.changed) == (PAGES - done_before, done_before, 0)
    counts = await index_state(private_bot.redis, private_bot.indexes.keys, "docs")
    assert set(counts) == set(files)
    again = await indexer_for(private_bot).sync("docs", tmp_path / "export")
    assert (again.unchanged, again.chunks_embedded) == (PAGES, 0)


async def test_question_while_redis_is_down_then_back_without_restart(private_redis, make_settings,
                                                                      fake_model_env, tmp_path):
    """Every Redis call of an answer can be the first to fail (visible sources, memory, the search
    itself when memory is off): each gives the clear notice, and the same Lorebot answers again once
    Redis is back."""
    export(tmp_path / "export", pages=20)
    with_memory = await Lorebot.open(make_settings(REDIS_URL=private_redis.url, **fake_model_env))
    no_memory = await Lorebot.open(make_settings(REDIS_URL=private_redis.url, LOREBOT_MEMORY_TURNS=0,
                                                 **fake_model_env))
    try:
        await indexer_for(with_memory).sync("docs", tmp_path / "export")
        await Registry(with_memory.redis, with_memory.settings.key_prefix).link("docs", "slack:C1")
        text = f"What does the {codename(7)} runbook explain?"
        questions = [
            (with_memory, Question("slack", "C1", text, thread="t1")),  # SMEMBERS fails first
            (with_memory, Question("cli", "local", text)),  # LRANGE of the memory fails first
            (no_memory, Question("cli", "local", text)),  # the search itself fails first
        ]
        for bot, q in questions:
            assert (await bot.answer(q)).citations
        private_redis.shutdown()
        downs = await asyncio.wait_for(asyncio.gather(*(bot.answer(q) for bot, q in questions)), 30)
        for down in downs:
            assert (down.error, down.mode, down.text) == ("redis_unavailable", "notice", REDIS_DOWN)
        private_redis.restart()
        for bot, q in questions:
            back = await bot.answer(q)
            assert back.error is None and back.citations[0].title == f"Runbook {codename(7)}", back
        turns = await with_memory.memory.recent(questions[0][1].conversation)
        assert len(turns) == 4  # the turn before the outage and the one after; none from the notice
    finally:
        await with_memory.close()
        await no_memory.close()


async def test_kill9_of_the_managed_embedded_redis_keeps_index_and_memory(make_settings, fake_model_env, tmp_path):
    """Lorebot starts its own embedded Redis (LOREBOT_DATA_DIR, no REDIS_URL). After kill -9, the running
    Lorebot restarts it from the AOF by itself and finds the same index and the thread's memory."""
    export(tmp_path / "export", pages=30)
    settings = make_settings(REDIS_URL="", LOREBOT_DATA_DIR=str(tmp_path / "data"), **fake_model_env)
    assert settings.redis_url is None
    bot = await Lorebot.open(settings)
    try:
        server = ensure_embedded_redis(settings.redis_dir)
        assert not server.started  # the one Lorebot started
        await indexer_for(bot).sync("docs", tmp_path / "export")
        q = Question("cli", "local", f"What does the {codename(12)} runbook explain?", thread="th")
        first = await bot.answer(q)
        before = await index_state(bot.redis, bot.indexes.keys, "docs")
        turns_before = await bot.memory.recent(q.conversation)
        # No wait for the everysec fsync: what Redis acknowledged is in the kernel's page cache, which a
        # killed process cannot lose (an OS crash could lose up to a second).
        os.kill(server.pid, signal.SIGKILL)
        down = await bot.answer(q)
        assert down.error == "redis_unavailable"
        give_up = time.monotonic() + 30  # the running Lorebot restarts its server in the background
        while time.monotonic() < give_up:
            await asyncio.sleep(0.2)
            if (await bot.answer(Question("cli", "local", "ping", thread="other"))).error != "redis_unavailable":
                break
        again = ensure_embedded_redis(settings.redis_dir)
        assert not again.started and again.port == server.port and again.pid != server.pid
        assert await index_state(bot.redis, bot.indexes.keys, "docs") == before
        assert await bot.memory.recent(q.conversation) == turns_before and len(turns_before) == 2
        second = await bot.answer(q)
        title = f"Runbook {codename(12)}"
        assert [c.title for c in second.citations] == [c.title for c in first.citations] == [title]
        assert len(await bot.memory.recent(q.conversation)) == 4
    finally:
        await bot.close()
        stop_embedded_redis(settings.redis_dir)


async def test_a_redis_that_silently_drops_packets_costs_at_most_the_answer_deadline(
        make_settings, redis_url, fake_model_env, tmp_path):
    """No reset and no error, just no reply: without a bound on the whole answer, the client's socket
    timeout (30 s) and retries would hold the question for minutes."""
    export(tmp_path / "export", pages=5)
    proxy = await Blackhole(redis_url).start()
    bot = await Lorebot.open(make_settings(REDIS_URL=proxy.url, LOREBOT_ANSWER_DEADLINE=2, **fake_model_env))
    try:
        await indexer_for(bot).sync("docs", tmp_path / "export")
        await Registry(bot.redis, bot.settings.key_prefix).link("docs", "slack:C1")
        question = Question("slack", "C1", f"What does the {codename(3)} runbook explain?", thread="t1")
        assert (await bot.answer(question)).citations
        proxy.dropping = True
        started = time.monotonic()
        silent = await asyncio.wait_for(bot.answer(question), 60)
        waited = time.monotonic() - started
        assert (silent.error, silent.mode) == ("timeout", "notice"), silent
        assert "within 2 s" in silent.text
        assert waited < 2 + DEADLINE_GRACE_S + 5, waited  # the bound itself, not a speed target
        proxy.dropping = False
        back = await bot.answer(question)
        assert back.error is None and back.citations[0].title == f"Runbook {codename(3)}", back
    finally:
        await bot.close()
        await proxy.close()
