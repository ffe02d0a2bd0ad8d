"""The main job `lorebot start` (what `./dev run` runs): the embedded Redis, the sample export defined
as the source `lorebot-docs` and indexed (only what changed), then the configured Slack and Discord
bots, or else the terminal chat."""

from __future__ import annotations

from rich.console import Console

from adapters.cli.chat import SAMPLE_EXPORT, SAMPLE_SOURCE, chat_loop
from adapters.cli.ingest_output import print_report, run_sync
from adapters.cli.processes import configured_bots, run_bots
from adapters.settings import AppSettings
from bot.access import LOCAL_CHANNEL
from bot.types import Question
from ingest.source_checks import Platform


async def main_job(settings: AppSettings, console: Console, interactive: bool) -> None:
    """Start Redis, index the sample export (only what changed), then run the configured bots, or the chat."""
    if SAMPLE_EXPORT.is_dir():
        # A source like any other (`sources list`, `sources sync`), defined at the first run.
        report = await run_sync(settings, SAMPLE_SOURCE, SAMPLE_EXPORT, None, quiet=not interactive, define=True)
        print_report(console, report)
    bots = configured_bots(settings)
    if bots:
        await run_bots(settings, bots, console)
        return
    console.print("[dim]No Slack or Discord credentials configured: starting the terminal chat.[/dim]")
    await chat_loop(settings, Question(platform=Platform.CLI, channel=LOCAL_CHANNEL, text=""), console, interactive)
