"""`lorebot channels ...`: how Lorebot behaves in each channel (answer mode, wait, threshold,
escalation target), stored in Redis so every running process follows a change at once."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Table

import adapters.cli.app as cli  # its helpers are used at call time (it registers this sub-app while loading)
from adapters.cli.tables import print_ids_table
from bot.channels import ChannelConfig, ChannelStore, Digest
from bot.store.connection import connect
from ingest.channel_checks import (
    format_duration,
    parse_digest,
    parse_duration,
    parse_hour,
    parse_mode,
    parse_target,
    parse_threshold,
    parse_weekday,
)
from ingest.source_checks import SourceError, check_scope

app = typer.Typer(no_args_is_help=True, help="Support channels: answer modes, waits, thresholds, hand-off targets.")
T = TypeVar("T")


def _store_call(fn: Callable[[ChannelStore], Awaitable[T]]) -> T:
    s = cli.settings()

    async def go() -> T:
        redis = await connect(s)
        try:
            return await fn(ChannelStore(redis, s.key_prefix))
        finally:
            await redis.aclose()

    return cli.run(go)


def _checked(call: Callable[[], T]) -> T:
    try:
        return call()
    except (SourceError, ValueError) as exc:
        cli.err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def _when(config: ChannelConfig) -> str:
    return f"on {config.digest_day.value} at {config.digest_hour:02d}:00 UTC"


def _line(scope: str, config: ChannelConfig) -> str:
    wait = f", wait {format_duration(config.wait_seconds)}" if config.wait_seconds else ""
    threshold = f", threshold {config.threshold:g}" if config.threshold is not None else ""
    escalate = f", escalate to {config.escalate}" if config.escalate else ""
    digest = (f", {config.digest.value} digest to {config.digest_to} {_when(config)}"
              if config.digest != Digest.OFF else "")
    reanswer = ", re-answers after syncs" if config.reanswer else ""
    return f"{scope}: {config.mode.value}{wait}{threshold}{escalate}{digest}{reanswer}"


@app.command("set")
def set_channel(
    channel: Annotated[str, typer.Argument(help="PLATFORM:ID, e.g. slack:C0123456 or discord:987654321")],
    mode: Annotated[str | None, typer.Option(
        help="mentions (answer when addressed) or auto (new questions too).")] = None,
    wait: Annotated[str | None, typer.Option(
        help="Auto mode: answer only if no person replied within this (10m).")] = None,
    threshold: Annotated[str | None, typer.Option(help="Abstain below this confidence (0..1, or 'default').")] = None,
    escalate: Annotated[str | None, typer.Option(
        help="Whom hand-offs mention: Slack S…/U… ID; Discord role:ID or user:ID; 'off' for none.")] = None,
    digest: Annotated[str | None, typer.Option(help="Post the channel's knowledge gaps: weekly or off.")] = None,
    digest_to: Annotated[str | None, typer.Option(
        metavar="PLATFORM:ID", help="Where the digest goes (a channel the team chooses).")] = None,
    digest_day: Annotated[str | None, typer.Option(
        metavar="DAY", help="The day the weekly digest is posted: mon .. sun (default mon).")] = None,
    digest_hour: Annotated[str | None, typer.Option(
        metavar="HOUR", help="The hour it is posted, 0-23 UTC (default 0).")] = None,
    reanswer: Annotated[bool | None, typer.Option(
        "--reanswer/--no-reanswer", help="Answer abstained questions in their thread once a sync covers them.")] = None,
) -> None:
    """Change a channel's settings (those not given stay as they are)."""

    def changes() -> dict[str, object]:
        check_scope(channel)
        found: dict[str, object] = {}
        if mode is not None:
            found["mode"] = parse_mode(mode)
        if wait is not None:
            found["wait_seconds"] = parse_duration(wait)
        if threshold is not None:
            found["threshold"] = parse_threshold(threshold)
        if escalate is not None:
            found["escalate"] = parse_target(channel.partition(":")[0], escalate)
        if digest is not None:
            found["digest"] = parse_digest(digest)
        if digest_to is not None:
            found["digest_to"] = check_scope(digest_to)
        if digest_day is not None:
            found["digest_day"] = parse_weekday(digest_day)
        if digest_hour is not None:
            found["digest_hour"] = parse_hour(digest_hour)
        if reanswer is not None:
            found["reanswer"] = reanswer
        if not found:
            raise SourceError("nothing to change: give --mode, --wait, --threshold, --escalate, --digest, "
                              "--digest-to, --digest-day, --digest-hour or --reanswer")
        return found

    wanted = _checked(changes)
    config = _checked(lambda: _store_call(lambda store: store.update(channel, **wanted)))
    cli.out.print(_line(channel, config))


@app.command("list")
def list_channels(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The channels with settings of their own (every other channel: mentions, the defaults)."""
    found = _store_call(lambda store: store.configured())
    if as_json:
        cli.out.print_json(json.dumps({scope: config.to_dict() for scope, config in found.items()}))
        return
    if not found:
        cli.out.print("No channel has settings of its own: every channel answers when mentioned.")
        return
    table = Table("channel", "mode", "wait", "threshold", "escalate to", "digest", "re-answers")
    for scope, c in found.items():
        table.add_row(scope, c.mode.value, format_duration(c.wait_seconds),
                      "default" if c.threshold is None else f"{c.threshold:g}", c.escalate or "-",
                      f"{c.digest.value} to {c.digest_to} {_when(c)}" if c.digest != Digest.OFF else "-",
                      "yes" if c.reanswer else "-")
    print_ids_table(cli.out, table)


@app.command()
def reset(channel: Annotated[str, typer.Argument(help="PLATFORM:ID")]) -> None:
    """Back to the defaults (mentions only, no wait, the default threshold, no hand-off target)."""
    _checked(lambda: check_scope(channel))
    removed = _store_call(lambda store: store.reset(channel))
    cli.out.print(f"{channel} reset to the defaults" if removed else f"{channel} had no settings of its own")
