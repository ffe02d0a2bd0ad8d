"""The `lorebot` command: ingest, ask, chat, status, start, run, redis."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from adapters.cli.channels import app as channels_app
from adapters.cli.eval import eval_command
from adapters.cli.insights import gaps_command, topics_command
from adapters.cli.sources import app as sources_app
from adapters.settings import AppSettings, load_settings
from bot.access import LOCAL_CHANNEL
from bot.settings import SettingsError
from bot.store.connection import RedisUnavailable
from bot.store.redis_server import EmbeddedRedisError, stop_embedded_redis
from bot.types import Question
from ingest.source_checks import Platform, SourceError, check_scope

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Lorebot: answers from your team's documents.")
redis_app = typer.Typer(no_args_is_help=True, help="The embedded Redis server.")
app.add_typer(redis_app, name="redis")
app.command("eval")(eval_command)
app.command("gaps")(gaps_command)
app.command("topics")(topics_command)
app.add_typer(sources_app, name="sources")
app.add_typer(channels_app, name="channels")
# No emoji codes: a channel id like `discord:abc:` would print as an emoji.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)
T = TypeVar("T")


def settings() -> AppSettings:
    try:
        s = load_settings()
    except SettingsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    from bot.logs import setup_logging

    setup_logging(s)
    return s


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Run one command's coroutine; known failures become one clear line and exit code 1."""
    from bot.answering.generation import ModelUnavailable  # imports openai: not for `--help`

    try:
        return asyncio.run(coro_fn())  # type: ignore[arg-type]
    except (RedisUnavailable, EmbeddedRedisError, ModelUnavailable, SettingsError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def parse_channel(channel: str | None) -> Question:
    if not channel:
        return Question(platform=Platform.CLI, channel=LOCAL_CHANNEL, text="")
    try:
        check_scope(channel)
    except SourceError as exc:
        err.print(f"[red]error:[/red] --{exc}")
        raise typer.Exit(2) from None
    platform, _, ident = channel.partition(":")
    return Question(platform=platform, channel=ident, text="")


async def open_bot(s: AppSettings):
    from bot.core import Lorebot

    return await Lorebot.open(s)


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="A folder or zip export.")],
    source: Annotated[str | None, typer.Option(help="Source name (default: the folder or zip name).")] = None,
    kind: Annotated[str | None, typer.Option(help="Export kind (default: detected).")] = None,
    page_url_base: Annotated[str | None, typer.Option(
        metavar="URL", help="Confluence's address (Cloud: https://SITE.atlassian.net/wiki): citations link to pages.",
    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report.")] = False,
) -> None:
    """Index a folder or zip export: only what changed is embedded again."""
    from adapters.cli.ingest_output import print_report, run_sync
    from ingest.source_checks import SourceError, check_page_url_base

    try:
        base = check_page_url_base(page_url_base, kind) if page_url_base else None
    except SourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    s = settings()
    name = source or path.stem or "docs"
    report = run(lambda: run_sync(s, name, path, kind, quiet=as_json, page_url_base=base))
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    else:
        print_report(out, report)
    if report.error:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    channel: Annotated[str | None, typer.Option(help="Answer as this channel would see it: PLATFORM:ID.")] = None,
    user: Annotated[str, typer.Option(
        metavar="ID", help="Ask as this person (their id on the platform), as when replaying a channel's traffic: "
                           "the gap report counts the people who asked.")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Answer one question from the indexed documents, on its own (no conversation memory: `lorebot chat`
    keeps one)."""
    from adapters.cli.chat import cli_answer, render_answer

    s = settings()
    base = parse_channel(channel)
    # Each `ask` stands alone: a replayed question was a thread of its own in its channel, and one
    # command's answer must not depend on what an earlier command asked.
    q = Question(platform=base.platform, channel=base.channel, text=question, user=user.strip() or "cli",
                 alone=True)

    async def go():
        bot = await open_bot(s)
        try:
            return cli_answer(await bot.answer(q), q)
        finally:
            await bot.close()

    answer = run(go)
    if as_json:
        out.print_json(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        render_answer(out, answer)


@app.command()
def chat(
    channel: Annotated[str | None, typer.Option(help="Chat as this channel: PLATFORM:ID.")] = None,
) -> None:
    """Chat in the terminal (with memory). Without a terminal, answers the demo questions and exits."""
    from adapters.cli.chat import chat_loop

    s = settings()
    base = parse_channel(channel)
    run(lambda: chat_loop(s, base, out, interactive=sys.stdin.isatty()))


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is indexed, where Redis is, which model answers."""
    from adapters.cli.status import collect_status, print_status

    s = settings()
    info: dict[str, Any] = run(lambda: collect_status(s))
    if as_json:
        out.print_json(json.dumps(info))
    else:
        print_status(out, info)


@app.command()
def start() -> None:
    """The main job: start Redis, index the sample export, then run the configured bots or the chat."""
    from adapters.cli.start import main_job

    s = settings()
    run(lambda: main_job(s, out, interactive=sys.stdin.isatty()))


@app.command("run")
def run_process(process: Annotated[str, typer.Argument(help="slack, discord or scheduler")]) -> None:
    """Run one long-lived process (the Procfile's entries)."""
    from adapters.cli.processes import run_named

    s = settings()
    run(lambda: run_named(s, process, out))


@redis_app.command("stop")
def redis_stop() -> None:
    """Stop the embedded Redis cleanly (its data stays on disk)."""
    s = settings()
    if s.redis_url:
        err.print("REDIS_URL is set: Lorebot does not manage that server.")
        raise typer.Exit(1)
    stopped = stop_embedded_redis(s.redis_dir)
    out.print("embedded Redis stopped" if stopped else "embedded Redis was not running")


def main() -> None:
    app()
