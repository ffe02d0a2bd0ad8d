"""The long-lived processes (`lorebot run slack|discord|scheduler`, the Procfile's entries)."""

from __future__ import annotations

import asyncio
import importlib

from rich.console import Console

from bot.settings import Settings

# process name -> module with `async def serve(settings) -> None`
PROCESSES = {
    "slack": "adapters.slack.app",
    "discord": "adapters.discord.app",
    "scheduler": "ingest.scheduler",
}


class ProcessNotBuilt(RuntimeError):
    pass


def configured_bots(settings: Settings) -> list[str]:
    bots = []
    if settings.slack_bot_token:
        bots.append("slack")
    if settings.discord_token:
        bots.append("discord")
    return bots


def _serve(name: str):
    try:
        module = importlib.import_module(PROCESSES[name])
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(PROCESSES[name].rsplit(".", 1)[0]):
            raise ProcessNotBuilt(f"the {name} process is not built yet in this version of Lorebot") from None
        raise
    return module.serve


async def run_bots(settings: Settings, names: list[str], console: Console) -> None:
    serves = []
    for name in names:
        try:
            serves.append(_serve(name))
        except ProcessNotBuilt as exc:
            console.print(f"[yellow]{exc}[/yellow]")
    if serves:
        await asyncio.gather(*(serve(settings) for serve in serves))


async def run_named(settings: Settings, name: str, console: Console) -> None:
    if name not in PROCESSES:
        console.print(f"[red]error:[/red] unknown process {name!r}; choose one of {', '.join(PROCESSES)}")
        raise SystemExit(2)
    try:
        serve = _serve(name)
    except ProcessNotBuilt as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise SystemExit(1) from None
    await serve(settings)
