"""`lorebot gaps` and `lorebot topics`: the knowledge-gap and topic reports (bot/insights) in the
terminal, as JSON, or as a self-contained HTML file; `lorebot gaps --forget-user` erases a person's
questions."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from adapters.cli.insights_html import gaps_html, topics_html

if TYPE_CHECKING:
    from adapters.settings import AppSettings
    from bot.core import Lorebot

_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")
UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}


def period_seconds(text: str) -> float:
    """"30d", "12h", "2w" in seconds; a bad value exits with code 2."""
    from adapters.cli.app import err

    m = _PERIOD.match(text)
    if not m or float(m.group(1)) <= 0:
        err.print(f"[red]error:[/red] --since must be a number and h, d or w (like 30d), not {text!r}")
        raise typer.Exit(2)
    return float(m.group(1)) * UNIT_SECONDS[m.group(2)]


def scopes_of(channels: list[str] | None) -> list[str] | None:
    from adapters.cli.app import parse_channel

    if not channels:
        return None
    return [parse_channel(c).scope for c in channels]


def gaps_command(
    channel: Annotated[list[str] | None, typer.Option(
        metavar="PLATFORM:ID", help="Only this channel; repeatable.")] = None,
    since: Annotated[str, typer.Option(help="The period, back from now: 30d, 12h, 2w.")] = "30d",
    top: Annotated[int, typer.Option(min=1, help="Show at most this many themes.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    html: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Also write the report as an HTML page.")] = None,
    forget_user: Annotated[str | None, typer.Option(
        metavar="USER", help="Erase this person's questions, then stop.")] = None,
) -> None:
    """The questions the documents did not answer, grouped into themes (the documentation backlog)."""
    from adapters.cli.app import open_bot, out, run, settings

    s = settings()
    if forget_user is not None:
        async def forget() -> int:
            bot = await open_bot(s)
            try:
                return await bot.answers.forget_user(forget_user)
            finally:
                await bot.close()

        erased = run(forget)
        if as_json:
            out.print_json(json.dumps({"user": forget_user, "erased": erased}))
        else:
            out.print(f"erased {erased} questions of {forget_user}")
        return
    seconds, scopes = period_seconds(since), scopes_of(channel)

    async def build(bot: Lorebot) -> dict[str, Any]:
        from bot.insights.gaps import gap_report

        return await gap_report(bot, seconds, scopes, top=top)

    _show(s, build, as_json=as_json, html=html, to_html=gaps_html, to_console=print_gaps)


def topics_command(
    channel: Annotated[list[str] | None, typer.Option(
        metavar="PLATFORM:ID", help="Only this channel; repeatable.")] = None,
    since: Annotated[str, typer.Option(help="The period, back from now: 30d, 12h, 2w.")] = "30d",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    html: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Also write the report, with a chart, as HTML.")] = None,
) -> None:
    """Every question in themes, with weekly counts; the themes growing fastest are flagged."""
    from adapters.cli.app import settings

    s = settings()
    seconds, scopes = period_seconds(since), scopes_of(channel)

    async def build(bot: Lorebot) -> dict[str, Any]:
        from bot.insights.topics import topic_report

        return await topic_report(bot, seconds, scopes)

    _show(s, build, as_json=as_json, html=html, to_html=topics_html, to_console=print_topics)


def _show(
    s: AppSettings,
    build: Callable[[Lorebot], Awaitable[dict[str, Any]]],
    *,
    as_json: bool,
    html: Path | None,
    to_html: Callable[[dict[str, Any]], str],
    to_console: Callable[[Console, dict[str, Any]], None],
) -> None:
    """Open the bot, build one report with it, then write it as HTML (when asked) and print it, as JSON
    or as tables: the flow `lorebot gaps` and `lorebot topics` share."""
    from adapters.cli.app import err, open_bot, out, run

    if html is not None and not html.parent.is_dir():  # before the report is built: it can take a while
        err.print(f"[red]error:[/red] --html: no folder {str(html.parent)!r} to write {html.name!r} in", soft_wrap=True)
        raise typer.Exit(2)

    async def go() -> dict[str, Any]:
        bot = await open_bot(s)
        try:
            return await build(bot)
        finally:
            await bot.close()

    report = run(go)
    if html is not None:
        try:
            html.write_text(to_html(report), encoding="utf-8")
        except OSError as exc:  # a folder given as FILE, no permission, a full disk
            err.print(f"[red]error:[/red] --html: cannot write {str(html)!r}: {exc.strerror or exc}", soft_wrap=True)
            raise typer.Exit(2) from None
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        to_console(out, report)


def _trend(trend: int) -> str:
    return f"[red]▲{trend}[/red]" if trend > 0 else f"[green]▼{-trend}[/green]" if trend < 0 else "="


def print_gaps(console: Console, report: dict[str, Any]) -> None:
    console.print(f"Since {report['since']}: {report['unanswered']} of {report['questions']} questions not "
                  "answered well (abstained, not helpful, escalated, answered only by a person, or low confidence).")
    if not report["themes"]:
        return
    table = Table(show_lines=True)
    for name in ("theme", "questions", "people", "trend", "asked, for example", "nearest page", "channels"):
        table.add_column(name)
    for t in report["themes"]:
        near = t["nearest"]
        page = _page(near) if near else "-"
        table.add_row(t["label"], str(t["count"]), str(t["people"]), _trend(t["trend"]),
                      "\n".join(t["questions"]), page, "\n".join(t["channels"]))
    console.print(table)


def _page(near: dict[str, Any]) -> str:
    """The nearest page as text: its title, then where it is (its path in the export) and how near."""
    path = near.get("path") or ""
    where = f"{escape(path)}, " if path and path != near["title"] else ""
    return f"{escape(str(near['title']))} ({where}{escape(str(near['source']))}, {near['score']:.2f})"


def print_topics(console: Console, report: dict[str, Any]) -> None:
    console.print(f"{report['questions']} questions from {report['since']} to {report['until']} "
                  f"({report['one_off']} one-off); weeks from {', '.join(report['weeks'])}.")
    table = Table()
    for name in ("theme", "questions", "people", "per week", "growing"):
        table.add_column(name)
    for t in report["themes"]:
        flag = f"[bold red]yes[/bold red] ×{t['growth']}" if t["growing"] else ""
        table.add_row(t["label"], str(t["count"]), str(t["people"]), " ".join(map(str, t["weekly"])), flag)
    console.print(table)
