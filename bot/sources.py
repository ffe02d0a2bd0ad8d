"""The source registry: named export locations, their schedules and the channels that may see them.

A source's record is a Redis hash; its channel links are the per-channel SETs `links_key` (read by
`visible_sources` at question time, so a change applies at once) plus a reverse SET per source,
kept in step in one transaction. Every process reads the registry afresh: nothing needs a restart.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.asyncio import Redis

from bot.access import links_key, sources_key

NAME = re.compile(r"^[A-Za-z0-9][\w.\-]{0,63}$")
SCOPE = re.compile(r"^(slack|discord|cli):[\w.\-]+$")
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


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


def record_key(prefix: str, name: str) -> str:
    return f"{prefix}:source:{name}"


def channels_key(prefix: str, name: str) -> str:
    return f"{prefix}:source:{name}:channels"


def file_channels_key(prefix: str, name: str) -> str:
    """The channels the sources file linked this source to, the last time it was applied."""
    return f"{prefix}:source:{name}:file-channels"


def report_key(prefix: str, name: str) -> str:
    return f"{prefix}:source:{name}:report"


def state_key(prefix: str, name: str) -> str:
    """The export's last synced fingerprint (ETag, Last-Modified, size, mtime, sha256)."""
    return f"{prefix}:source:{name}:state"


def sync_lock_key(prefix: str, name: str) -> str:
    """Held (ingest/locks.py) while the source syncs."""
    return f"{prefix}:lock:source:{name}"


def next_run_key(prefix: str, name: str) -> str:
    """Written by running schedulers with an expiry: absent when no scheduler runs."""
    return f"{prefix}:source:{name}:next"


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


def display_location(location: str) -> str:
    """The location without a URL's query string (which may carry a token)."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
    return location


@dataclass(frozen=True)
class Source:
    name: str
    location: str
    kind: str | None = None
    every: str | None = None
    cron: str | None = None
    auth_env: str | None = None  # the environment variable holding the auth header's value
    auth_header: str = "Authorization"
    created: str = ""
    channels: tuple[str, ...] = field(default=())

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))

    @property
    def schedule(self) -> str:
        if self.every:
            return f"every {self.every}"
        return f"cron {self.cron}" if self.cron else "manual"

    def trigger(self) -> BaseTrigger | None:
        if self.every:
            return IntervalTrigger(seconds=every_seconds(self.every), start_date=INTERVAL_ORIGIN, timezone=UTC)
        return cron_trigger(self.cron) if self.cron else None

    def validated(self) -> Source:
        """This source checked (raises SourceError), its path made absolute. Touches the disk."""
        check_name(self.name)
        if self.every and self.cron:
            raise SourceError("give either an interval (--every) or a cron expression (--cron), not both")
        self.trigger()
        if self.auth_env is not None and not ENV_NAME.match(self.auth_env):
            raise SourceError(f"invalid environment variable name {self.auth_env!r}")
        if not HEADER_NAME.match(self.auth_header):
            raise SourceError(f"invalid header name {self.auth_header!r}")
        for scope in self.channels:
            check_scope(scope)
        if self.kind:
            from ingest.readers import kinds  # the readers define the kinds; bot/ imports ingest lazily

            if self.kind not in kinds():
                raise SourceError(f"unknown export kind {self.kind!r}; known: {', '.join(kinds())}")
        return replace(self, location=check_location(self.location))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "location": display_location(self.location), "kind": self.kind,
                "schedule": self.schedule, "every": self.every, "cron": self.cron, "auth_env": self.auth_env,
                "auth_header": self.auth_header, "created": self.created, "channels": list(self.channels)}


class Registry:
    """The sources of one key prefix."""

    def __init__(self, redis: Redis, prefix: str):
        self.redis = redis
        self.prefix = prefix

    async def add(self, source: Source, replace_existing: bool = False) -> Source:
        """Store a validated source. Replacing keeps its links (adding any channels given) and
        forgets the last fingerprint, so a new location or kind is read on the next run."""
        exists = await self.redis.exists(record_key(self.prefix, source.name))
        if exists and not replace_existing:
            raise SourceError(f"source {source.name!r} already exists (replace it with --replace)")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        if exists:
            created = _s(await self.redis.hget(record_key(self.prefix, source.name), "created") or created)
        record = {"location": source.location, "kind": source.kind or "", "every": source.every or "",
                  "cron": source.cron or "", "auth_env": source.auth_env or "", "auth_header": source.auth_header,
                  "created": created}
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(record_key(self.prefix, source.name), state_key(self.prefix, source.name))  # next run re-reads
        pipe.hset(record_key(self.prefix, source.name), mapping=record)
        pipe.sadd(sources_key(self.prefix), source.name)
        await pipe.execute()
        for scope in source.channels:
            await self.link(source.name, scope)
        found = await self.get(source.name)
        assert found is not None
        return found

    async def get(self, name: str) -> Source | None:
        raw = await self.redis.hgetall(record_key(self.prefix, name))
        if not raw:
            return None
        rec = {_s(k): _s(v) for k, v in raw.items()}
        channels = sorted(_s(m) for m in await self.redis.smembers(channels_key(self.prefix, name)))
        return Source(name=name, location=rec["location"], kind=rec.get("kind") or None,
                      every=rec.get("every") or None, cron=rec.get("cron") or None,
                      auth_env=rec.get("auth_env") or None, auth_header=rec.get("auth_header") or "Authorization",
                      created=rec.get("created", ""), channels=tuple(channels))

    async def require(self, name: str) -> Source:
        source = await self.get(name)
        if source is None:
            raise SourceError(f"no source named {name!r}" + _known(await self.names()))
        return source

    async def names(self) -> list[str]:
        """Every known source: registered ones and those only ever indexed by `lorebot ingest`."""
        return sorted(_s(m) for m in await self.redis.smembers(sources_key(self.prefix)))

    async def registered(self) -> list[Source]:
        found = [await self.get(name) for name in await self.names()]
        return [s for s in found if s is not None]

    async def link(self, name: str, scope: str) -> bool:
        """True when the link is new. The source must be known (registered or indexed)."""
        check_scope(scope)
        if not await self.redis.sismember(sources_key(self.prefix), name):
            raise SourceError(f"no source named {name!r}" + _known(await self.names()))
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(links_key(self.prefix, scope), name)
        pipe.sadd(channels_key(self.prefix, name), scope)
        added, _ = await pipe.execute()
        return bool(added)

    async def unlink(self, name: str, scope: str) -> bool:
        """True when there was such a link."""
        check_scope(scope)
        pipe = self.redis.pipeline(transaction=True)
        pipe.srem(links_key(self.prefix, scope), name)
        pipe.srem(channels_key(self.prefix, name), scope)
        removed, _ = await pipe.execute()
        return bool(removed)

    async def linked(self, scope: str) -> list[str]:
        return sorted(_s(m) for m in await self.redis.smembers(links_key(self.prefix, scope)))

    async def forget(self, name: str) -> None:
        """Drop the record, its links, report and state (the caller deletes the indexed chunks)."""
        scopes = [_s(m) for m in await self.redis.smembers(channels_key(self.prefix, name))]
        pipe = self.redis.pipeline(transaction=True)
        for scope in scopes:
            pipe.srem(links_key(self.prefix, scope), name)
        for key in (record_key, channels_key, file_channels_key, report_key, state_key, next_run_key):
            pipe.delete(key(self.prefix, name))
        await pipe.execute()

    async def state(self, name: str) -> dict[str, str]:
        return {_s(k): _s(v) for k, v in (await self.redis.hgetall(state_key(self.prefix, name))).items()}

    async def save_run(self, name: str, report: dict[str, Any], fingerprint: dict[str, str] | None = None) -> None:
        """Keep a run's report; a complete run also keeps the export's fingerprint."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(report_key(self.prefix, name), json.dumps(report))
        if fingerprint is not None:
            pipe.delete(state_key(self.prefix, name))
            if fingerprint:
                pipe.hset(state_key(self.prefix, name), mapping=fingerprint)
        await pipe.execute()

    async def report(self, name: str) -> dict[str, Any] | None:
        raw = await self.redis.get(report_key(self.prefix, name))
        return json.loads(raw) if raw else None

    async def status(self, name: str) -> dict[str, Any]:
        """What `lorebot status` and the chat status command show of one source."""
        source = await self.get(name)
        next_run = await self.redis.get(next_run_key(self.prefix, name))
        return {
            "name": name,
            "registered": source is not None,
            **({"location": display_location(source.location), "kind": source.kind, "schedule": source.schedule,
                "channels": list(source.channels)} if source else {}),
            "syncing": bool(await self.redis.exists(sync_lock_key(self.prefix, name))),
            "next_run": _s(next_run) if next_run else None,
            "last": await self.report(name),
        }


def _known(names: list[str]) -> str:
    return f" (known: {', '.join(names)})" if names else " (none is registered yet)"
