"""One sync of a registered source, by the scheduler, the CLI or a chat command.

Under the source's lock (one sync at a time across every process): fetch the export, skip it when
its fingerprint is unchanged, else sync it into the index (which re-embeds only what changed by
content hash), announce what it added or changed (ingest/changes.py), and keep the run's report on
the source. A failed run leaves the index and the last
fingerprint as they were, so the next run does the work again.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.logs import RedactSecrets, secrets_of
from ingest.changes import announce_changes
from ingest.context import IngestContext
from ingest.fetch import FetchError, fetch
from ingest.indexer import Progress, SyncReport
from ingest.locks import LockLost, SourceLock, SyncBusy
from ingest.source_checks import check_location
from ingest.sources import Registry, Source, SourceError

log = logging.getLogger(__name__)
_background: set[asyncio.Task[Any]] = set()  # chat-started syncs: referenced until they finish


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_report(trigger: str, started: str, outcome: str, sync: SyncReport | None = None,
               error: str = "") -> dict[str, Any]:
    """What is kept of one run: when, how it went (synced, unchanged, failed), its counts and errors."""
    report: dict[str, Any] = {"last_run": started, "finished": now_iso(), "trigger": trigger, "outcome": outcome}
    if sync is not None:
        report.update(sync.to_dict())
    if error:
        report["error"] = error
    return report


def source_lock(ctx: IngestContext, name: str) -> SourceLock:
    return SourceLock(ctx.redis, ctx.settings.key_prefix, name, ctx.settings.sync_lock_seconds)


async def sync_source(ctx: IngestContext, name: str, force: bool = False, trigger: str = "schedule") -> dict[str, Any]:
    """Sync now and return the run's report; raises SourceError for an unknown source and SyncBusy
    when a sync of it is running elsewhere."""
    await Registry(ctx.redis, ctx.settings.key_prefix).require(name)
    lock = source_lock(ctx, name)
    if not await lock.acquire():
        raise SyncBusy(f"a sync of {name} is already running")
    return await _locked(ctx, lock, name, force, trigger)


async def start_sync(ctx: IngestContext, name: str, force: bool = True, trigger: str = "chat") -> bool:
    """Start a sync in the background of this process; False when one is already running."""
    await Registry(ctx.redis, ctx.settings.key_prefix).require(name)
    lock = source_lock(ctx, name)
    if not await lock.acquire():
        return False
    task = asyncio.create_task(_in_background(ctx, lock, name, force, trigger), name=f"sync {name}")
    _background.add(task)
    task.add_done_callback(_background.discard)
    return True


async def _in_background(ctx: IngestContext, lock: SourceLock, name: str, force: bool, trigger: str) -> None:
    try:
        await _locked(ctx, lock, name, force, trigger)
    except Exception:  # no one awaits this task: say what went wrong (the lock was released)
        log.exception("background sync of %s failed", name)


async def _locked(ctx: IngestContext, lock: SourceLock, name: str, force: bool, trigger: str) -> dict[str, Any]:
    registry = Registry(ctx.redis, ctx.settings.key_prefix)
    started = now_iso()
    try:
        async with lock.held():
            source = await registry.get(name)
            if source is None:  # removed since the job was planned: nothing to report on
                return run_report(trigger, started, "failed", error=f"no source named {name!r}")
            report, fingerprint = await _run(ctx, registry, source, force, trigger, started)
            await keep_report(registry, name, report, fingerprint)
    except LockLost as exc:
        report = run_report(trigger, started, "failed", error=str(exc))
        await keep_report(registry, name, report, None)
    log.info("sync of %s: %s%s", name, report["outcome"], f" ({report['error']})" if report.get("error") else "")
    return report


async def keep_report(registry: Registry, name: str, report: dict[str, Any],
                      fingerprint: dict[str, str] | None) -> None:
    """Store the run's report, carrying forward when the index last changed through a sync."""
    previous = await registry.report(name) or {}
    report["last_synced"] = report["last_run"] if report["outcome"] == "synced" else previous.get("last_synced")
    await registry.save_run(name, report, fingerprint)


async def _run(ctx: IngestContext, registry: Registry, source: Source, force: bool, trigger: str,
               started: str) -> tuple[dict[str, Any], dict[str, str] | None]:
    """The report, and the fingerprint to keep (None: keep the last one)."""
    try:
        fetched = await fetch(source, ctx.settings, await registry.state(source.name), force)
        if fetched.unchanged:
            return run_report(trigger, started, "unchanged"), fetched.fingerprint
        sync = await ctx.indexer().sync(source.name, fetched.path, source.kind,
                                        page_url_base=source.page_url_base or "")
    except FetchError as exc:
        return run_report(trigger, started, "failed", error=str(exc)), None
    except Exception as exc:  # a model or Redis failure mid-sync: reported, retried on the next run
        log.exception("sync of %s failed", source.name)
        return run_report(trigger, started, "failed", error=_redacted(ctx, source, exc)), None
    if not sync.ok:
        return run_report(trigger, started, "failed", sync), None
    await announce_changes(ctx.redis, ctx.settings.key_prefix, sync)
    return run_report(trigger, started, "synced", sync), fetched.fingerprint


def _redacted(ctx: IngestContext, source: Source, exc: Exception) -> str:
    secrets = secrets_of(ctx.settings)
    if source.auth_env and os.environ.get(source.auth_env):
        secrets.append(os.environ[source.auth_env])
    return RedactSecrets(secrets).redact(f"{type(exc).__name__}: {exc}")


async def define_export(registry: Registry, name: str, path: Path, kind: str | None) -> bool:
    """Give the export Lorebot itself indexes (the sample `lorebot start` syncs) a definition, as
    `lorebot sources add` stores one (manual schedule), so `sources list` shows it and `sources sync`
    can sync it. Idempotent: an existing definition keeps its schedule, links and created time, and
    takes `path` only when it names another location (the repository moved). True when it stored one."""
    location = await asyncio.to_thread(check_location, str(path))  # absolute, as `sources add` stores it
    existing = await registry.get(name)
    if existing is not None and existing.location == location:
        return False
    wanted = Source(name, location, kind) if existing is None else replace(existing, location=location)
    checked = await asyncio.to_thread(wanted.validated)
    try:
        await registry.add(checked, replace_existing=existing is not None)
    except SourceError:  # another process defined it meanwhile: theirs stands
        return False
    return True


async def sync_export(ctx: IngestContext, source: str, path: Path, kind: str | None,
                      progress: Progress | None = None, page_url_base: str | None = None,
                      define: bool = False) -> SyncReport:
    """Sync the export at `path` into `source` now (`lorebot ingest`, `lorebot start`), under the
    source's lock (one sync at a time, whoever starts it), and keep the report on the source.
    `page_url_base` links Confluence pages to the live ones (None: the registered source's, if any).
    `define`: first give the source a definition of this export (define_export); without it, a source
    only ingested has none (`sources list` marks it so). A sync already running is reported as the
    report's error; nothing is changed then."""
    registry = Registry(ctx.redis, ctx.settings.key_prefix)
    if define:
        await define_export(registry, source, path, kind)
    if page_url_base is None:  # a one-off ingest of a registered source must not drop its links
        registered = await registry.get(source)
        page_url_base = (registered.page_url_base if registered else None) or ""
    lock = source_lock(ctx, source)
    if not await lock.acquire():
        return SyncReport(source, error=f"a sync of {source} is already running; try again when it ends")
    started = now_iso()
    async with lock.held():
        report = await ctx.indexer().sync(source, path, kind, progress, page_url_base)
        await announce_changes(ctx.redis, ctx.settings.key_prefix, report)
        outcome = "synced" if report.ok else "failed"
        await keep_report(registry, source, run_report("ingest", started, outcome, report), None)
    return report
