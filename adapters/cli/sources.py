"""`lorebot sources ...`: register export locations, link them to channels, sync them now."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

# Its helpers are used at call time: adapters.cli.app registers this sub-app while loading.
import adapters.cli.app as cli
from adapters.cli.tables import print_ids_table
from adapters.settings import AppSettings
from bot.store.connection import connect
from ingest.context import IngestContext
from ingest.sources import Registry, Source, SourceError

app = typer.Typer(no_args_is_help=True, help="Document sources: where exports are, when they sync, who sees them.")
T = TypeVar("T")


def _registry_call(fn: Callable[[Registry], Awaitable[T]]) -> T:
    """Run `fn` on the registry; a SourceError becomes one clear line and exit code 2."""
    s = cli.settings()

    async def go() -> T:
        redis = await connect(s)
        try:
            return await fn(Registry(redis, s.key_prefix))
        finally:
            await redis.aclose()

    return _clear_errors(lambda: cli.run(go))


def _clear_errors(call: Callable[[], T]) -> T:
    try:
        return call()
    except SourceError as exc:
        cli.err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="A short name: letters, digits, '.', '_', '-'.")],
    location: Annotated[str, typer.Argument(help="A folder or zip export, or an http(s) URL serving one.")],
    kind: Annotated[str | None, typer.Option(help="Export kind (default: detected).")] = None,
    every: Annotated[str | None, typer.Option(help="Sync interval: 30m, 6h, 1d.")] = None,
    cron: Annotated[str | None, typer.Option(help='Sync times, 5-field cron in UTC: "0 3 * * *".')] = None,
    channel: Annotated[list[str] | None, typer.Option(help="PLATFORM:ID that may see it (repeatable).")] = None,
    auth_env: Annotated[str | None, typer.Option(help="Environment variable holding the auth header's value.")] = None,
    auth_header: Annotated[str, typer.Option(help="The auth header's name.")] = "Authorization",
    page_url_base: Annotated[str | None, typer.Option(
        metavar="URL", help="Confluence's address (Cloud: https://SITE.atlassian.net/wiki): citations link to pages.",
    )] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Change an existing source (its links stay).")] = False,
    shared_ok: Annotated[bool, typer.Option(
        "--shared-ok", help="May answer in channels shared with other organisations (Slack Connect, other servers).",
    )] = False,
) -> None:
    """Register a source (without a schedule it syncs only when asked)."""
    source = Source(name=name, location=location, kind=kind, every=every, cron=cron, auth_env=auth_env,
                    auth_header=auth_header, page_url_base=page_url_base, channels=tuple(channel or ()),
                    shared_ok=shared_ok)

    async def go(registry: Registry) -> Source:
        return await registry.add(await asyncio.to_thread(source.validated), replace_existing=replace)

    added = _registry_call(go)
    cli.out.print(f"source [bold]{added.name}[/bold]: {added.to_dict()['location']}, {added.schedule}"
              + (f", pages at {added.page_url_base}" if added.page_url_base else "")
              + (f", linked to {', '.join(added.channels)}" if added.channels else "")
              + (", shared channels may see it" if added.shared_ok else ""))


@app.command("list")
def list_sources(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every source: the defined ones, their schedules, channels and last runs, and those only indexed
    (`lorebot ingest` without `sources add`), marked as having no definition."""

    async def go(registry: Registry) -> list[dict[str, Any]]:
        return [await _listed(registry, name) for name in await registry.names()]

    rows = _registry_call(go)
    if as_json:
        cli.out.print_json(json.dumps(rows))
        return
    if not rows:
        cli.out.print("No sources yet: add one with `lorebot sources add NAME LOCATION`.")
        return
    table = Table("source", "location", "kind", "schedule", "pages at", "channels", "shared", "last run")
    for r in rows:
        last = r["last"]
        where = r["location"] if r["registered"] else "[dim]none (indexed only)[/dim]"
        table.add_row(r["name"], where, r["kind"] or ("auto" if r["registered"] else "-"), r["schedule"] or "-",
                      r["page_url_base"] or "-", "\n".join(r["channels"]) or "-", "yes" if r["shared_ok"] else "no",
                      f"{last['last_run']} {last['outcome']}" if last else "never")
    print_ids_table(cli.out, table)
    if not all(r["registered"] for r in rows):
        cli.out.print("[dim]Indexed only: no definition (indexed by `lorebot ingest`), so it syncs only when "
                      "ingested again; `lorebot sources add NAME LOCATION` defines it.[/dim]")


async def _listed(registry: Registry, name: str) -> dict[str, Any]:
    """One row of `sources list --json`: a definition's fields and `registered` true; for a source only
    indexed, the same fields, `registered` false, no location, kind or schedule (null), its links."""
    source = await registry.get(name)
    if source is not None:
        row = {**source.to_dict(), "registered": True}
    else:
        fields = Source(name=name, location="").to_dict()
        row = {**dict.fromkeys(fields), "name": name, "registered": False, "shared_ok": False,
               "channels": await registry.channels(name)}
    return {**row, "last": await registry.report(name)}


@app.command()
def link(name: str, channel: Annotated[str, typer.Argument(help="PLATFORM:ID, e.g. slack:C0123456")]) -> None:
    """Let a channel see a source (at once, in every process)."""
    new = _registry_call(lambda r: r.link(name, channel))
    cli.out.print(f"{name} linked to {channel}" if new else f"{name} was already linked to {channel}")


@app.command()
def unlink(name: str, channel: Annotated[str, typer.Argument(help="PLATFORM:ID")]) -> None:
    """Stop a channel seeing a source."""
    removed = _registry_call(lambda r: r.unlink(name, channel))
    cli.out.print(f"{name} unlinked from {channel}" if removed else f"{name} was not linked to {channel}")


@app.command()
def apply(path: Annotated[Path, typer.Argument(help="A YAML sources file (see bot/sources_file.py).")]) -> None:
    """Add or update the sources a YAML file declares."""
    from ingest.sources_file import apply_sources_file

    applied, errors = _registry_call(lambda r: apply_sources_file(r, path))
    for error in errors:
        cli.err.print(f"[red]error:[/red] {error}")
    cli.out.print(f"applied: {', '.join(applied) or 'nothing'}")
    if errors:
        raise typer.Exit(1)


@app.command()
def remove(name: str, yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False) -> None:
    """Remove a source: its indexed documents, links and record."""
    from ingest.locks import SyncBusy
    from ingest.removal import remove_source

    if not yes:
        typer.confirm(f"Remove {name} and delete its indexed documents?", abort=True)
    deleted = _with_ingest(lambda ctx: remove_source(ctx, name), SyncBusy)
    cli.out.print(f"{name} removed ({deleted} documents deleted from the index)")


@app.command()
def sync(
    name: str,
    if_changed: Annotated[bool, typer.Option("--if-changed", help="Skip when the export looks unchanged.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's report as JSON.")] = False,
) -> None:
    """Sync a source now (only what changed is embedded again)."""
    from ingest.locks import SyncBusy
    from ingest.source_sync import sync_source

    report = _with_ingest(lambda ctx: sync_source(ctx, name, force=not if_changed, trigger="cli"), SyncBusy)
    if as_json:
        cli.out.print_json(json.dumps(report))
    else:
        print_run(report)
    if report["outcome"] == "failed":
        raise typer.Exit(1)


def _with_ingest(fn: Callable[[IngestContext], Awaitable[T]], busy: type[Exception]) -> T:
    s: AppSettings = cli.settings()

    async def go() -> T:
        ctx = await IngestContext.open(s)
        try:
            return await fn(ctx)
        finally:
            await ctx.close()

    try:
        return _clear_errors(lambda: cli.run(go))
    except busy as exc:
        cli.err.print(f"[red]error:[/red] {exc}; try again when it ends")
        raise typer.Exit(1) from None


def print_run(report: dict[str, Any]) -> None:
    name = report.get("source", "")
    if report["outcome"] == "failed":
        cli.err.print(f"[red]sync failed:[/red] {report.get('error', '')} (the index was not changed)")
        return
    if report["outcome"] == "unchanged":
        cli.out.print("the export is unchanged since the last sync: nothing to do")
        return
    counts = ", ".join(f"{report[k]} {k}" for k in ("added", "changed", "unchanged", "deleted"))
    cli.out.print(f"synced {name}: {counts}; {report['chunks_embedded']} chunks embedded in {report['seconds']:.1f}s")
    for f in report.get("failed", []):
        cli.out.print(f"[yellow]skipped[/yellow] {f['file']}: {f['reason']}")
