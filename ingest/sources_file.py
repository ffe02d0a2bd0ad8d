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

Applying adds or updates each source: the channels listed are linked, and a channel that an earlier
version of the file listed and this one does not is unlinked (links made in chat or with the CLI are
kept). Sources the file does not mention are left alone. One bad entry is reported without stopping
the others.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from ingest.sources import Registry, Source, SourceError, file_channels_key

FIELDS = {"location", "kind", "every", "cron", "channels", "auth_env", "auth_header", "page_url_base"}


def parse_sources(text: str, origin: str) -> list[Source | SourceError]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"{origin}: not valid YAML ({exc})") from None
    entries = (data or {}).get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise SourceError(f"{origin}: expected a mapping `sources:` of source names to their settings")
    parsed: list[Source | SourceError] = []
    for name, spec in entries.items():
        parsed.append(_entry(str(name), spec, origin))
    return parsed


def _entry(name: str, spec: object, origin: str) -> Source | SourceError:
    if not isinstance(spec, dict) or "location" not in spec:
        return SourceError(f"{origin}: source {name!r} needs at least a `location`")
    unknown = set(spec) - FIELDS
    if unknown:
        return SourceError(f"{origin}: source {name!r} has unknown settings {', '.join(sorted(map(str, unknown)))}")
    channels = spec.get("channels") or []
    if not isinstance(channels, list):
        return SourceError(f"{origin}: source {name!r}: `channels` must be a list of PLATFORM:ID")
    text = {k: (str(v) if v is not None else None) for k, v in spec.items() if k != "channels"}
    return Source(name=name, location=text["location"] or "", kind=text.get("kind"), every=text.get("every"),
                  cron=text.get("cron"), auth_env=text.get("auth_env"),
                  auth_header=text.get("auth_header") or "Authorization", page_url_base=text.get("page_url_base"),
                  channels=tuple(str(c) for c in channels))


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
