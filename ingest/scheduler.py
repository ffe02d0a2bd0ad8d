"""The scheduler process (`lorebot run scheduler`, the Procfile's `scheduler`): APScheduler 3.11
runs each registered source's interval or cron job.

A reconcile job re-reads the registry every LOREBOT_RECONCILE_SECONDS and adds, reschedules or
removes jobs, so a source added or changed from the CLI or chat takes effect without a restart.
Any number of scheduler replicas may run on one Redis: their job stores are their own (in memory),
and the per-source lock lets exactly one of them sync a source at a time. A source never synced
yet is synced at once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from redis.exceptions import RedisError

from ingest.context import IngestContext
from ingest.locks import SyncBusy
from ingest.settings import IngestSettings
from ingest.source_sync import sync_source
from ingest.sources import Registry, SourceError, next_run_key
from ingest.sources_file import apply_sources_file

log = logging.getLogger(__name__)
JOB_PREFIX = "sync:"
RECONCILE_JOB = "reconcile"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


async def sync_job(plan: SyncPlan, name: str) -> dict[str, Any] | None:
    """A source's scheduled run (module-level, as APScheduler wants its job functions)."""
    return await plan.run(name)


async def reconcile_job(plan: SyncPlan) -> None:
    try:
        await plan.reconcile()
    except RedisError as exc:  # keep the jobs we have; the next reconcile tries again
        log.warning("could not read the sources from Redis: %s", type(exc).__name__)


class SyncPlan:
    """One scheduler's jobs: one per scheduled source, kept in step with the registry."""

    def __init__(self, ctx: IngestContext, scheduler: AsyncIOScheduler):
        self.ctx = ctx
        self.scheduler = scheduler
        self.registry = Registry(ctx.redis, ctx.settings.key_prefix)
        self.planned: dict[str, str] = {}  # source name -> the schedule its job runs on

    async def reconcile(self) -> None:
        wanted = {s.name: s for s in await self.registry.registered() if s.schedule != "manual"}
        for name in set(self.planned) - set(wanted):
            self.scheduler.remove_job(JOB_PREFIX + name)
            del self.planned[name]
            log.info("unscheduled %s", name)
        for name, source in wanted.items():
            if self.planned.get(name) == source.schedule:
                continue
            if name in self.planned:
                self.scheduler.reschedule_job(JOB_PREFIX + name, trigger=source.trigger())
            else:
                first = {"next_run_time": datetime.now(UTC)} if await self.registry.report(name) is None else {}
                self.scheduler.add_job(sync_job, source.trigger(), args=[self, name], id=JOB_PREFIX + name,
                                       name=f"sync {name}", replace_existing=True, **first)
            self.planned[name] = source.schedule
            log.info("scheduled %s: %s", name, source.schedule)
        await self.publish(list(self.planned))

    async def run(self, name: str) -> dict[str, Any] | None:
        """Sync `name` if no one else is; None when another process was syncing it."""
        try:
            report = await sync_source(self.ctx, name)
        except SyncBusy:
            log.info("%s is being synced elsewhere: skipped this run", name)
            return None
        except SourceError:  # removed since the last reconcile, which will drop its job
            return None
        finally:
            await self.publish([name])
        return report

    def next_run(self, name: str) -> datetime | None:
        job = self.scheduler.get_job(JOB_PREFIX + name)
        return getattr(job, "next_run_time", None) if job else None

    async def publish(self, names: list[str]) -> None:
        """Tell `lorebot status` (any process) when each source runs next. The keys expire, so
        status says so when no scheduler runs."""
        ttl = int(self.ctx.settings.reconcile_seconds * 3) + 5
        for name in names:
            when = self.next_run(name)
            if when is not None and name in self.planned:
                await self.ctx.redis.set(next_run_key(self.ctx.settings.key_prefix, name),
                                         when.astimezone(UTC).isoformat(timespec="seconds"), ex=ttl)


def build_scheduler(ctx: IngestContext) -> tuple[AsyncIOScheduler, SyncPlan]:
    """A scheduler with its reconcile job (first run at once); start it on a running loop."""
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    plan = SyncPlan(ctx, scheduler)
    scheduler.add_job(reconcile_job, IntervalTrigger(seconds=ctx.settings.reconcile_seconds, timezone=UTC),
                      args=[plan], id=RECONCILE_JOB, name="reconcile sources", next_run_time=datetime.now(UTC))
    return scheduler, plan


async def serve(settings: IngestSettings) -> None:
    # APScheduler logs every run of every job (the reconcile job too); each sync logs its own outcome.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    ctx = await IngestContext.open(settings)
    try:
        if settings.sources_file:
            await _apply_file(ctx, settings)
        scheduler, _ = build_scheduler(ctx)
        scheduler.start()
        log.info("scheduler running: sources re-read every %gs", settings.reconcile_seconds)
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            scheduler.shutdown(wait=False)
    finally:
        await ctx.close()


async def _apply_file(ctx: IngestContext, settings: IngestSettings) -> None:
    assert settings.sources_file is not None
    try:
        applied, errors = await apply_sources_file(Registry(ctx.redis, settings.key_prefix), settings.sources_file)
    except SourceError as exc:
        log.error("%s", exc)
        return
    for error in errors:
        log.error("%s", error)
    log.info("sources file %s applied: %s", settings.sources_file, ", ".join(applied) or "nothing")
