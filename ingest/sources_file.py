"""An optional YAML file declaring sources (LOREBOT_SOURCES_FILE), applied when the scheduler starts
or by `lorebot sources apply FILE`:

    sources:
      handbook:
        location: https://wiki.example.com/export/handbook.zip
        auth_env: WIKI_EXPORT_TOKEN      # the Authorization header's value is read from this variable
        kind: confluence-html            # optional: detected when absent
        every: 6h                        # or  cron: "0 3 * * *"
        page_url_base: https://wiki.example.com   # optional: citations link to the live pages
        channels: [slack:C0123456, discord:987654321]
        shared_ok: false                 # true: may answer in channels shared with other organisations

    channels:                            # optional: how Lorebot behaves in a channel (bot.channels)
      slack:C0123456:
        mode: auto                       # or mentions (the default)
        wait: 10m                        # auto mode: answer only if no person replied within this
        threshold: 0.5                   # optional: abstain below this confidence
        escalate: S0123ABCD              # Slack user group or user; Discord role:ID or user:ID
        digest: weekly                   # post the channel's knowledge gaps every week (or off)
        digest_to: slack:C0DOCSTEAM      # where the digest goes
        digest_day: mon                  # optional: the day (mon .. sun) and hour (0-23, UTC) it is due
        digest_hour: 9
        reanswer: true                   # answer abstained questions in their thread once a sync covers them

Applying adds or updates each source: the channels listed are linked, and a channel that an earlier
version of the file listed and this one does not is unlinked (links made in chat or with the CLI are
kept). Sources the file does not mention are left alone. A channel entry sets the settings it lists
and leaves the others as they are (changes made in chat stay until the file lists that setting).
Either section may be absent. One bad entry is reported without stopping the others.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from bot.channels import ChannelStore
from ingest.channel_checks import (
    parse_digest,
    parse_duration,
    parse_hour,
    parse_mode,
    parse_target,
    parse_threshold,
    parse_weekday,
)
from ingest.source_checks import check_scope
from ingest.sources import Registry, Source, SourceError, file_channels_key

FIELDS = {"location", "kind", "every", "cron", "channels", "auth_env", "auth_header", "page_url_base", "shared_ok"}
CHANNEL_FIELDS = {"mode": "mode", "wait": "wait_seconds", "threshold": "threshold", "escalate": "escalate",
                  "digest": "digest", "digest_to": "digest_to", "digest_day": "digest_day",
                  "digest_hour": "digest_hour", "reanswer": "reanswer"}


def _load(text: str, origin: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"{origin}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources", {}), dict) \
            or not isinstance(data.get("channels", {}), dict) or not ({"sources", "channels"} & set(data)):
        raise SourceError(f"{origin}: expected a mapping `sources:` of source names to their settings "
                          "(and/or `channels:` of PLATFORM:ID to theirs)")
    return data


def parse_sources(text: str, origin: str) -> list[Source | SourceError]:
    entries = _load(text, origin).get("sources") or {}
    parsed: list[Source | SourceError] = []
    for name, spec in entries.items():
        parsed.append(_entry(str(name), spec, origin))
    return parsed


def parse_channels(text: str, origin: str) -> list[tuple[str, dict[str, object]] | SourceError]:
    """The `channels:` section: (scope, ChannelConfig fields to set) per entry, or the entry's error."""
    parsed: list[tuple[str, dict[str, object]] | SourceError] = []
    for scope, spec in (_load(text, origin).get("channels") or {}).items():
        try:
            check_scope(str(scope))
            if not isinstance(spec, dict) or not spec:
                raise SourceError(f"expected settings ({', '.join(CHANNEL_FIELDS)})")
            unknown = set(map(str, spec)) - set(CHANNEL_FIELDS)
            if unknown:
                raise SourceError(f"unknown settings {', '.join(sorted(unknown))}")
            platform = str(scope).partition(":")[0]
            parsed.append((str(scope), {CHANNEL_FIELDS[k]: _channel_value(platform, k, v) for k, v in spec.items()}))
        except SourceError as exc:
            parsed.append(SourceError(f"{origin}: channel {scope!r}: {exc}"))
    return parsed


def _entry(name: str, spec: object, origin: str) -> Source | SourceError:
    if not isinstance(spec, dict) or "location" not in spec:
        return SourceError(f"{origin}: source {name!r} needs at least a `location`")
    unknown = set(spec) - FIELDS
    if unknown:
        return SourceError(f"{origin}: source {name!r} has unknown settings {', '.join(sorted(map(str, unknown)))}")
    channels = spec.get("channels") or []
    if not isinstance(spec.get("shared_ok", False), bool):
        return SourceError(f"{origin}: source {name!r}: `shared_ok` must be true or false")
    if not isinstance(channels, list):
        return SourceError(f"{origin}: source {name!r}: `channels` must be a list of PLATFORM:ID")
    text = {k: (str(v) if v is not None else None) for k, v in spec.items() if k != "channels"}
    return Source(name=name, location=text["location"] or "", kind=text.get("kind"), every=text.get("every"),
                  cron=text.get("cron"), auth_env=text.get("auth_env"),
                  auth_header=text.get("auth_header") or "Authorization", page_url_base=text.get("page_url_base"),
                  channels=tuple(str(c) for c in channels), shared_ok=spec.get("shared_ok") is True)


def _channel_value(platform: str, name: str, value: object) -> object:
    """One setting of a `channels:` entry in its stored form (raises SourceError)."""
    if name == "mode":
        return parse_mode(str(value))
    if name == "wait":
        return parse_duration(str(value))
    if name == "threshold":
        return parse_threshold(value if isinstance(value, (int, float)) else str(value))
    if name == "digest":
        return parse_digest("off" if value is False else str(value))  # YAML reads a bare `off` as false
    if name == "digest_to":
        return check_scope(str(value or ""))
    if name == "digest_day":
        return parse_weekday(str(value))
    if name == "digest_hour":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise SourceError(f"invalid digest hour {value!r}: a whole hour from 0 to 23 (UTC)")
        return parse_hour(value)
    if name == "reanswer":
        if not isinstance(value, bool):
            raise SourceError(f"`reanswer` must be true or false, not {value!r}")
        return value
    return parse_target(platform, str(value or ""))


async def apply_sources_file(registry: Registry, path: Path) -> tuple[list[str], list[str]]:
    """(names applied, errors). A missing or unreadable file raises SourceError."""
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read the sources file {path}: {exc}") from None
    applied: list[str] = []
    errors: list[str] = []
    for entry in parse_sources(text, str(path)):
        try:
            if isinstance(entry, SourceError):
                raise entry
            source = await asyncio.to_thread(entry.validated)
            await registry.add(source, replace_existing=True)
            await _unlink_dropped_channels(registry, source)
            applied.append(source.name)
        except SourceError as exc:
            errors.append(f"{exc}" if str(exc).startswith(str(path)) else f"{path}: {exc}")
    store = ChannelStore(registry.redis, registry.prefix)
    for channel in parse_channels(text, str(path)):
        if isinstance(channel, SourceError):
            errors.append(str(channel))
            continue
        scope, changes = channel
        try:
            await store.update(scope, **changes)
        except ValueError as exc:  # settings that do not go together (a digest with no target)
            errors.append(f"{path}: channel {scope!r}: {exc}")
            continue
        applied.append(scope)
    return applied, errors


async def _unlink_dropped_channels(registry: Registry, source: Source) -> None:
    """Unlink the channels this file listed for `source` last time and no longer does."""
    key = file_channels_key(registry.prefix, source.name)
    before = {m.decode() if isinstance(m, bytes) else m for m in await registry.redis.smembers(key)}
    for scope in sorted(before - set(source.channels)):
        await registry.unlink(source.name, scope)
    pipe = registry.redis.pipeline(transaction=True)
    pipe.delete(key)
    if source.channels:
        pipe.sadd(key, *source.channels)
    await pipe.execute()
