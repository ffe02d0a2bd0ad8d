"""Checking what admins give for a channel's settings (bot.channels): the answer mode, the wait
before answering unasked (`10m`), the threshold, the escalation target and the weekly digest (how
often, where to, which day and hour UTC), in the one form they are stored in. Shared by `lorebot
channels`, the chat commands and the sources file's `channels:` section.

Escalation targets are stored as the platform's own ids: on Slack a user group `S…` or a user `U…`/`W…`;
on Discord `role:ID` or `user:ID` (Discord's ids do not say what they name). The mention forms people
paste (`<!subteam^S…|@team>`, `<@U…>`, `<@&123>`, `<@123>`) are accepted too.
"""

from __future__ import annotations

import re

from bot.channels import ChannelMode, Digest, Weekday
from ingest.source_checks import Platform, SourceError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}
MAX_WAIT_SECONDS = 24 * 3600
OFF = frozenset({"", "off", "none", "-"})
_SLACK_TARGET = re.compile(r"^(?:<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>"  # a user group mention
                           r"|<@([UW][A-Z0-9]+)(?:\|[^>]*)?>"  # a user mention
                           r"|([SUW][A-Z0-9]{2,}))$")  # an id
_DISCORD_TARGET = re.compile(r"^(?:<@&(\d+)>|role:(\d+)|<@!?(\d+)>|user:(\d+))$")


def parse_duration(text: str) -> float:
    """Seconds in `text` (`90`, `30s`, `10m`, `1.5h`; 0 or `off`: none). Raises SourceError."""
    if text.strip().lower() in OFF:
        return 0.0
    m = _DURATION.match(text.lower())
    if not m:
        raise SourceError(f"invalid wait {text!r}: use a number and a unit, like 30s, 10m or 1h")
    seconds = float(m[1]) * _UNITS[m[2]]
    if seconds > MAX_WAIT_SECONDS:
        raise SourceError(f"wait {text!r} is too long: at most 24h")
    return seconds


def format_duration(seconds: float) -> str:
    """`10m`, `90s`, `1h`: how a wait is shown."""
    if seconds <= 0:
        return "none"
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def parse_mode(text: str) -> ChannelMode:
    try:
        return ChannelMode(text.strip().lower())
    except ValueError:
        raise SourceError(f"invalid mode {text!r}: {' or '.join(ChannelMode)}") from None


def parse_threshold(text: str | float) -> float | None:
    """A threshold between 0 and 1, or None (`default`) for the configured default."""
    if isinstance(text, str) and text.strip().lower() in OFF | {"default"}:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SourceError(f"invalid threshold {text!r}: a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise SourceError(f"invalid threshold {text!r}: a number between 0 and 1")
    return value


def parse_target(platform: str, text: str) -> str:
    """The stored form of an escalation target for a channel of `platform` ("" for none). Raises
    SourceError naming the forms accepted."""
    text = text.strip()
    if text.lower() in OFF:
        return ""
    if platform == Platform.SLACK:
        m = _SLACK_TARGET.match(text)
        if not m:
            raise SourceError(f"invalid escalation target {text!r}: a Slack user group ID (S0123ABC) or user ID "
                              "(U0123ABC), or their mention")
        return next(g for g in m.groups() if g)
    if platform == Platform.DISCORD:
        m = _DISCORD_TARGET.match(text)
        if not m:
            raise SourceError(f"invalid escalation target {text!r}: role:ID or user:ID, or a role or user mention")
        role = m[1] or m[2]
        return f"role:{role}" if role else f"user:{m[3] or m[4]}"
    raise SourceError(f"{platform} channels have no escalation")


def parse_digest(text: str) -> Digest:
    """`weekly` or `off`. Raises SourceError."""
    try:
        return Digest(text.strip().lower())
    except ValueError:
        raise SourceError(f"invalid digest {text!r}: {' or '.join(Digest)}") from None


_DAY_NAMES = {**{day.value: day for day in Weekday}, **dict(zip(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), Weekday))}


def parse_weekday(text: str) -> Weekday:
    """A day as `mon` .. `sun` or its English name (`Monday`). Raises SourceError."""
    try:
        return _DAY_NAMES[text.strip().lower()]
    except KeyError:
        raise SourceError(f"invalid digest day {text!r}: one of {', '.join(Weekday)}") from None


def parse_hour(value: str | int) -> int:
    """A whole hour of the day, 0 to 23 (UTC). Raises SourceError."""
    text = str(value).strip()
    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise SourceError(f"invalid digest hour {value!r}: a whole hour from 0 to 23 (UTC)")
    return int(text)
