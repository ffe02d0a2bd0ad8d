"""The long-lived processes (`lorebot run slack|discord|scheduler`, the Procfile's entries).

SIGTERM (what a deploy sends) and SIGINT both cancel the serving task, so each process's own
shutdown path runs: answers in progress finish, connections close, locks are released.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

from rich.console import Console

from adapters.settings import AppSettings

Serve = Callable[[AppSettings], Awaitable[None]]
PROCESSES = ("slack", "discord", "scheduler")  # the Procfile's processes


def serving(name: str) -> Serve:
    """What process `name` serves until cancelled: its adapter's (or the scheduler's) `serve`. Imported
    when asked for, so a process loads its own platform's client only. Raises KeyError for another name."""
    if name == "slack":
        from adapters.slack.app import serve
    elif name == "discord":
        from adapters.discord.app import serve
    elif name == "scheduler":
        from ingest.scheduler import serve
    else:
        raise KeyError(name)
    return serve


def configured_bots(settings: AppSettings) -> list[str]:
    bots = []
    if settings.slack_bot_token:
        bots.append("slack")
    if settings.discord_token:
        bots.append("discord")
    return bots


async def until_signalled(work: Awaitable[object]) -> None:
    """Run `work` until it ends or SIGTERM/SIGINT arrives (then cancel it and wait for its shutdown)."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        if not task.cancelled():
            raise
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def run_bots(settings: AppSettings, names: list[str], console: Console) -> None:
    console.print(f"running: {', '.join(names)}")
    await until_signalled(asyncio.gather(*(serving(name)(settings) for name in names)))


async def run_named(settings: AppSettings, name: str, console: Console) -> None:
    if name not in PROCESSES:
        console.print(f"[red]error:[/red] unknown process {name!r}; choose one of {', '.join(PROCESSES)}")
        raise SystemExit(2)
    await until_signalled(serving(name)(settings))
