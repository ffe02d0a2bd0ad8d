"""Running one sync from the command line: open the core, sync with a progress bar, print the report."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.core import Lorebot
from bot.settings import Settings
from ingest.sync import SyncReport


async def run_sync(settings: Settings, source: str, path: Path, kind: str | None, quiet: bool = False) -> SyncReport:
    from bot.cli import progress_bar

    bot = await Lorebot.open(settings)
    try:
        indexer = bot.indexer()
        if quiet:
            report = await indexer.sync(source, path, kind)
        else:
            console = Console(stderr=True)
            with progress_bar(console) as bar:
                task = bar.add_task(f"indexing {source}", total=None)

                def progress(stage: str, done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                console.print(f"reading {path} …")
                report = await indexer.sync(source, path, kind, progress)
        return report
    finally:
        await bot.close()


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
