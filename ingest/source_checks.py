"""Checking what users give the source registry: names, channel scopes, locations, schedules and
page URL bases, each refused with a message that says what would be accepted."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from apscheduler.triggers.cron import CronTrigger

from ingest.readers import LINKED_KINDS

NAME = re.compile(r"^[A-Za-z0-9][\w.\-]{0,63}$")


class Platform(StrEnum):
    """Where a question can come from: the first part of a scope (`slack:C123`). The one list of them."""

    SLACK = "slack"
    DISCORD = "discord"
    CLI = "cli"


SCOPE = re.compile(rf"^({'|'.join(Platform)}):[\w.\-]+$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HEADER_NAME = re.compile(r"^[A-Za-z0-9\-]+$")
_EVERY = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_EVERY_SECONDS = 60
# Intervals count from a fixed origin, so every scheduler replica plans the same fire times (and the
# source lock lets exactly one of them run each).
INTERVAL_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)


class SourceError(ValueError):
    """Bad input for the registry (name, location, schedule, channel), or an unknown source."""


def every_seconds(every: str) -> int:
    m = _EVERY.match(every)
    if not m:
        raise SourceError(f"invalid interval {every!r}: use a number and a unit, like 30m, 6h or 1d")
    seconds = int(m[1]) * _UNITS[m[2]]
    if seconds < MIN_EVERY_SECONDS:
        raise SourceError(f"interval {every!r} is too short: at least {MIN_EVERY_SECONDS // 60}m")
    return seconds


def cron_trigger(expr: str) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(expr, timezone=UTC)
    except ValueError as exc:
        raise SourceError(f'invalid cron expression {expr!r} (5 fields, like "0 3 * * *"): {exc}') from None


def check_scope(scope: str) -> str:
    """`scope` itself when it names a channel (`slack:C123`, `discord:456`); raises SourceError otherwise."""
    if not SCOPE.match(scope):
        raise SourceError(f"channel must be PLATFORM:ID (slack:C123, discord:456), not {scope!r}")
    return scope


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise SourceError(f"invalid source name {name!r}: letters, digits, '.', '_' and '-', at most 64")
    return name


def check_location(location: str) -> str:
    """An http(s) URL without credentials in it, or an existing folder or zip (made absolute)."""
    location = location.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", location):
        parts = urlsplit(location)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError(f"unsupported location {parts.scheme}://…: use a path, or an http(s) URL")
        if parts.username or parts.password:
            raise SourceError("do not put credentials in the URL: name an environment variable with --auth-env")
        return parts.geturl()  # the scheme in lower case
    path = Path(location).expanduser().resolve()
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_file() and not zipfile.is_zipfile(path):
        raise SourceError(f"{path}: not a folder or a zip archive")
    return str(path)


def check_page_url_base(base: str, kind: str | None = None) -> str:
    """The http(s) address a source's Confluence pages are under, without a trailing slash; an
    export `kind` given must be one whose pages it links."""
    if kind and kind not in LINKED_KINDS:
        raise SourceError(f"a page URL base links Confluence pages ({', '.join(sorted(LINKED_KINDS))}); "
                          f"{kind} exports have none")
    text = base.strip()
    try:
        parts = urlsplit(text)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a port that is not a number, a broken [IPv6] address
        valid = False
    if not valid or re.search(r"\s", text):
        raise SourceError("the page URL base must be the wiki's http(s) address, like https://wiki.example.com "
                          "(Confluence Cloud: https://example.atlassian.net/wiki)")
    if parts.username or parts.password:
        raise SourceError("do not put credentials in the page URL base: citations show it to everyone")
    if parts.query or parts.fragment:
        raise SourceError("the page URL base is the address pages are under: no ?query or #fragment")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def display_location(location: str) -> str:
    """The location without a URL's query string (which may carry a token)."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
    return location
