"""Running one sync from the command line (`lorebot ingest`, `lorebot start`): open the core, sync
with a progress bar under the source's lock, keep the report on the source, print it."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.core import Lorebot
from bot.settings import Settings
from bot.sources import Registry
from ingest.scheduled_sync import keep_report, now_iso, run_report, source_lock
from ingest.sync import SyncReport


async def run_sync(settings: Settings, source: str, path: Path, kind: str | None, quiet: bool = False,
                   page_url_base: str | None = None) -> SyncReport:
    """Sync under the source's lock (one sync at a time, whoever starts it) and keep the report on it;
    `page_url_base` links Confluence pages to the live ones (None: the registered source's, if any)."""
    bot = await Lorebot.open(settings)
    try:
        if page_url_base is None:  # a one-off ingest of a registered source must not drop its links
            registered = await Registry(bot.redis, settings.key_prefix).get(source)
            page_url_base = (registered.page_url_base if registered else None) or ""
        lock = source_lock(bot, source)
        if not await lock.acquire():
            return SyncReport(source, error=f"a sync of {source} is already running; try again when it ends")
        started = now_iso()
        async with lock.held():
            report = await _sync(bot, source, path, kind, quiet, page_url_base)
            outcome = "synced" if report.ok else "failed"
            await keep_report(Registry(bot.redis, settings.key_prefix), source,
                              run_report("ingest", started, outcome, report), None)
        return report
    finally:
        await bot.close()


async def _sync(bot: Lorebot, source: str, path: Path, kind: str | None, quiet: bool,
                page_url_base: str) -> SyncReport:
    from bot.cli import progress_bar

    indexer = bot.indexer()
    if quiet:
        return await indexer.sync(source, path, kind, page_url_base=page_url_base)
    console = Console(stderr=True)
    with progress_bar(console) as bar:
        task = bar.add_task(f"indexing {source}", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        console.print(f"reading {path} …")
        return await indexer.sync(source, path, kind, progress, page_url_base)


def print_report(console: Console, report: SyncReport) -> None:
    if report.error:
        console.print(f"[red]sync of {report.source} failed:[/red] {report.error} (nothing was changed)")
        return
    table = Table(title=f"sync of {report.source}", show_header=False)
    for label, value in (
        ("added", report.added), ("changed", report.changed), ("unchanged", report.unchanged),
        ("deleted", report.deleted), ("chunks embedded", report.chunks_embedded),
        ("chunks written", report.chunks_written), ("seconds", f"{report.seconds:.1f}"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    for f in report.failed:
        console.print(f"[yellow]skipped[/yellow] {f.file}: {f.reason}")
