"""The scheduler, deterministically: fire times computed for fixed instants, jobs run on demand on
real (paused) AsyncIOSchedulers, two schedulers on one Redis, a sync killed mid-way and completed by
the next run, and failures reported without touching the index."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core import Lorebot
from ingest.context import IngestContext
from ingest.locks import SyncBusy
from ingest.scheduler import JOB_PREFIX, build_scheduler, serve
from ingest.source_sync import sync_source
from ingest.sources import Registry, Source, sync_lock_key
from testkit.exports import page, write_pages
from testkit.fakes.export_server import export_server  # noqa: F401
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD
from tests.conftest import REPO
from tests.ingest.export_builders import write_zip
from tests.ingest.test_indexer import chunk_texts

PAGES = {f"p{i}.md": page(f"Page {i}", f"Body of page {i}.") for i in range(3)}


@pytest.fixture
def bot_env(fake_openai):
    return {"LOREBOT_EMBEDDINGS": "openai:fake-embed", "OPENAI_BASE_URL": fake_openai.base_url,
            "LOREBOT_ABSTAIN_THRESHOLD": FAKE_ABSTAIN_THRESHOLD,
            "OPENAI_API_KEY": "sk-test-key", "LOREBOT_MODEL_RETRIES": "0"}


@pytest.fixture
async def open_bot(make_settings, bot_env):
    """Open Lorebots (each its own Redis connection, like separate processes) on one key prefix."""
    bots: list[Lorebot] = []

    async def open_(**env: str) -> Lorebot:
        bots.append(await Lorebot.open(make_settings(**bot_env, **env)))
        return bots[-1]

    yield open_
    for bot in bots:
        await bot.close()


def embed_calls(fake_openai) -> int:
    """Embedding requests made by syncs (not the dimension probe each process starts with)."""
    return sum(1 for r in fake_openai.requests_to("/embeddings") if r.json["input"] != ["dimension probe"])


async def started_paused(bot: Lorebot):
    scheduler, plan = build_scheduler(IngestContext.of(bot))
    scheduler.start(paused=True)
    await plan.reconcile()
    return scheduler, plan


def test_next_fire_times():
    now = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)  # a Wednesday
    every = Source(name="a", location="/x", every="6h").trigger()
    assert every.get_next_fire_time(None, now) == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert Source(name="a", location="/x", every="45m").trigger().get_next_fire_time(None, now) == datetime(
        2024, 5, 1, 7, 30, tzinfo=UTC)
    cron = Source(name="a", location="/x", cron="0 3 * * mon").trigger()
    assert cron.get_next_fire_time(None, now) == datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
    assert Source(name="a", location="/x").trigger() is None


async def test_reconcile_follows_the_registry_without_restart(open_bot, tmp_path):
    bot = await open_bot()
    registry = Registry(bot.redis, bot.settings.key_prefix)
    root = write_pages(tmp_path / "wiki", PAGES)
    scheduler, plan = await started_paused(bot)
    try:
        assert scheduler.get_job(JOB_PREFIX + "wiki") is None
        await registry.add(Source(name="wiki", location=str(root), every="6h").validated())
        await registry.add(Source(name="manual", location=str(root)).validated())
        await plan.reconcile()
        job = scheduler.get_job(JOB_PREFIX + "wiki")
        assert job is not None and scheduler.get_job(JOB_PREFIX + "manual") is None
        assert (job.next_run_time - datetime.now(UTC)).total_seconds() < 5  # never synced: at once
        status = await registry.status("wiki")
        assert status["next_run"] == job.next_run_time.isoformat(timespec="seconds")

        await registry.add(Source(name="wiki", location=str(root), cron="0 3 * * *").validated(), replace_existing=True)
        await plan.reconcile()
        job = scheduler.get_job(JOB_PREFIX + "wiki")
        assert isinstance(job.trigger, CronTrigger)
        assert (job.next_run_time.hour, job.next_run_time.minute) == (3, 0)

        await registry.forget("wiki")
        await plan.reconcile()
        assert scheduler.get_job(JOB_PREFIX + "wiki") is None
    finally:
        scheduler.shutdown(wait=False)


async def test_job_run_on_demand_syncs_only_changes(open_bot, fake_openai, tmp_path):
    bot = await open_bot()
    registry = Registry(bot.redis, bot.settings.key_prefix)
    root = write_pages(tmp_path / "wiki", PAGES)
    await registry.add(Source(name="wiki", location=str(root), every="1h").validated())
    scheduler, _ = await started_paused(bot)
    try:
        job = scheduler.get_job(JOB_PREFIX + "wiki")
        first = await job.func(*job.args)
        assert (first["outcome"], first["added"], first["trigger"]) == ("synced", 3, "schedule")
        calls = embed_calls(fake_openai)

        again = await job.func(*job.args)
        assert again["outcome"] == "unchanged" and again["last_synced"] == first["last_run"]
        assert embed_calls(fake_openai) == calls  # nothing was read or embedded

        (root / "p1.md").write_text(page("Page 1", "Body of page 1, edited."))
        third = await job.func(*job.args)
        assert (third["outcome"], third["changed"], third["unchanged"], third["chunks_embedded"]) == ("synced", 1, 2, 1)
        assert (await registry.report("wiki"))["changed"] == 1
    finally:
        scheduler.shutdown(wait=False)


async def test_two_schedulers_on_one_redis_sync_once(open_bot, fake_openai, tmp_path):
    one, two = await open_bot(), await open_bot()
    root = write_pages(tmp_path / "wiki", PAGES)
    registry = Registry(one.redis, one.settings.key_prefix)
    await registry.add(Source(name="wiki", location=str(root), every="6h").validated())
    (s1, _), (s2, _) = await started_paused(one), await started_paused(two)
    try:
        fake_openai.delay = 0.3  # both fire while the first sync is still embedding
        jobs = [s.get_job(JOB_PREFIX + "wiki") for s in (s1, s2)]
        results = await asyncio.gather(*(job.func(*job.args) for job in jobs))
        synced = [r for r in results if r is not None]
        assert len(synced) == 1 and synced[0]["added"] == 3
        assert embed_calls(fake_openai) == 1
        assert len(await chunk_texts(one, "wiki")) == 3
    finally:
        s1.shutdown(wait=False)
        s2.shutdown(wait=False)


async def test_killed_sync_is_completed_by_the_next_run(open_bot, bot_env, make_settings, tmp_path, export_server):
    bot = await open_bot(LOREBOT_SYNC_LOCK_SECONDS="1")
    registry = Registry(bot.redis, bot.settings.key_prefix)
    archive = write_zip(tmp_path / "wiki.zip", list(PAGES.items()))
    export_server.put("wiki.zip", archive.read_bytes())
    await registry.add(Source(name="wiki", location=export_server.url("wiki.zip"), every="6h").validated())
    export_server.stall = True

    s = bot.settings
    env = {**os.environ, **bot_env, "REDIS_URL": s.redis_url, "LOREBOT_KEY_PREFIX": s.key_prefix,
           "LOREBOT_DATA_DIR": str(s.data_dir), "LOREBOT_SYNC_LOCK_SECONDS": "1"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "adapters.cli", "sources", "sync", "wiki", cwd=REPO,
                                                env=env, stdout=asyncio.subprocess.DEVNULL)
    try:
        await asyncio.wait_for(export_server.stalled.wait(), 60)  # mid-download, holding the lock
        assert await bot.redis.exists(sync_lock_key(s.key_prefix, "wiki"))
        with pytest.raises(SyncBusy):
            await sync_source(IngestContext.of(bot), "wiki")
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    export_server.stall = False

    for _ in range(100):  # the dead holder's lock expires by itself (1 s here)
        if not await bot.redis.exists(sync_lock_key(s.key_prefix, "wiki")):
            break
        await asyncio.sleep(0.05)
    report = await sync_source(IngestContext.of(bot), "wiki")
    assert (report["outcome"], report["added"]) == ("synced", 3)
    assert len(await chunk_texts(bot, "wiki")) == 3


@pytest.mark.parametrize("breakage", ["missing file", "unreachable url"])
async def test_failures_are_reported_and_leave_the_index_alone(open_bot, tmp_path, export_server, breakage):
    bot = await open_bot()
    registry = Registry(bot.redis, bot.settings.key_prefix)
    archive = write_zip(tmp_path / "wiki.zip", list(PAGES.items()))
    export_server.put("wiki.zip", archive.read_bytes())
    location = str(archive) if breakage == "missing file" else export_server.url("wiki.zip")
    await registry.add(Source(name="wiki", location=location, every="1h").validated())
    assert (await sync_source(IngestContext.of(bot), "wiki"))["outcome"] == "synced"
    before, fingerprint = await chunk_texts(bot, "wiki"), await registry.state("wiki")

    if breakage == "missing file":
        archive.unlink()
    else:
        await export_server.stop()
    report = await sync_source(IngestContext.of(bot), "wiki")
    assert report["outcome"] == "failed"
    assert ("no such file" if breakage == "missing file" else "cannot reach") in report["error"]
    assert await chunk_texts(bot, "wiki") == before == sorted(f"Body of page {i}." for i in range(3))
    assert await registry.state("wiki") == fingerprint  # the next run tries again
    status = await registry.status("wiki")
    assert status["last"]["error"] == report["error"] and status["last"]["last_synced"]


async def test_a_model_failure_mid_sync_is_reported_and_retried(open_bot, fake_openai, tmp_path):
    bot = await open_bot()
    registry = Registry(bot.redis, bot.settings.key_prefix)
    root = write_pages(tmp_path / "wiki", PAGES)
    await registry.add(Source(name="wiki", location=str(root), every="1h").validated())
    fake_openai.fail_next(1, 500)
    failed = await sync_source(IngestContext.of(bot), "wiki")
    assert failed["outcome"] == "failed" and "HTTP 500" in failed["error"]
    assert "sk-test-key" not in failed["error"]
    assert await chunk_texts(bot, "wiki") == [] and await registry.state("wiki") == {}
    retried = await sync_source(IngestContext.of(bot), "wiki")  # same export, but the last run did not complete
    assert (retried["outcome"], retried["added"]) == ("synced", 3)


async def test_serve_applies_the_sources_file_and_syncs_new_sources(make_settings, bot_env, tmp_path):
    root = write_pages(tmp_path / "wiki", PAGES)
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(f"sources:\n  wiki:\n    location: {root}\n    every: 6h\n    channels: [slack:C1]\n"
                            "  broken:\n    location: /nowhere/at/all\n")
    settings = make_settings(**bot_env, LOREBOT_SOURCES_FILE=str(sources_file))
    task = asyncio.create_task(serve(settings))
    bot = await Lorebot.open(settings)
    registry = Registry(bot.redis, settings.key_prefix)
    try:
        for _ in range(200):
            if (await registry.report("wiki") or {}).get("outcome") == "synced":
                break
            assert not task.done(), task
            await asyncio.sleep(0.05)
        status = await registry.status("wiki")
        assert status["last"]["added"] == 3 and status["channels"] == ["slack:C1"]
        assert status["next_run"]  # published by the running scheduler
        assert await registry.get("broken") is None  # the bad entry was refused, the good one applied
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bot.close()
