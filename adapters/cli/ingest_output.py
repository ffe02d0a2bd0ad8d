"""`lorebot ingest` and the sample sync of `lorebot start` on a terminal: a progress bar while the
export syncs (ingest.source_sync.sync_export), then the report as a table."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.context import IngestContext
from ingest.indexer import SyncReport
from ingest.settings import IngestSettings
from ingest.source_sync import sync_export


def progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


async def run_sync(settings: IngestSettings, source: str, path: Path, kind: str | None, quiet: bool = False,
                   page_url_base: str | None = None, define: bool = False) -> SyncReport:
    """Open what a sync needs, sync `path` into `source` (a progress bar on stderr unless `quiet`),
    close; `define` gives the source a definition of `path` first (source_sync.define_export).
    Raises RedisUnavailable, EmbeddedRedisError or ModelUnavailable when they cannot open."""
    ctx = await IngestContext.open(settings)
    try:
        if quiet:
            return await sync_export(ctx, source, path, kind, page_url_base=page_url_base, define=define)
        console = Console(stderr=True)
        with progress_bar(console) as bar:
            task = bar.add_task(f"indexing {source}", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            console.print(f"reading {path} …")
            return await sync_export(ctx, source, path, kind, progress, page_url_base, define)
    finally:
        await ctx.close()


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
