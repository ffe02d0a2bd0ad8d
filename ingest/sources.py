"""The source registry: named export locations, their schedules and the channels that may see them.

A source's record is a Redis hash; its channel links are the per-channel SETs `links_key` (read by
`visible_sources` at question time, so a change applies at once) plus a reverse SET per source,
kept in step in one transaction. Every process reads the registry afresh: nothing needs a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.asyncio import Redis

from bot import keys
from ingest.readers import kinds
from ingest.source_checks import (
    ENV_NAME,
    HEADER_NAME,
    INTERVAL_ORIGIN,
    SourceError,
    check_location,
    check_name,
    check_page_url_base,
    check_scope,
    cron_trigger,
    display_location,
    every_seconds,
)


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


# Key names of a source (bot/keys.py builds every key).
record_key = keys.source
channels_key = keys.source_channels
file_channels_key = keys.source_file_channels
report_key = keys.source_report
state_key = keys.source_state
sync_lock_key = keys.sync_lock
next_run_key = keys.source_next_run


@dataclass(frozen=True)
class Source:
    name: str
    location: str
    kind: str | None = None
    every: str | None = None
    cron: str | None = None
    auth_env: str | None = None  # the environment variable holding the auth header's value
    auth_header: str = "Authorization"
    page_url_base: str | None = None  # Confluence's address: citations link to the live pages
    created: str = ""
    channels: tuple[str, ...] = field(default=())
    shared_ok: bool = False  # may answer in channels shared with other organisations (Slack Connect...)

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
            if self.kind not in kinds():
                raise SourceError(f"unknown export kind {self.kind!r}; known: {', '.join(kinds())}")
        base = check_page_url_base(self.page_url_base, self.kind) if self.page_url_base else None
        return replace(self, location=check_location(self.location), page_url_base=base)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "location": display_location(self.location), "kind": self.kind,
                "schedule": self.schedule, "every": self.every, "cron": self.cron, "auth_env": self.auth_env,
                "auth_header": self.auth_header, "page_url_base": self.page_url_base, "created": self.created,
                "channels": list(self.channels), "shared_ok": self.shared_ok}


class Registry:
    """The sources of one key prefix."""

    def __init__(self, redis: Redis, prefix: str):
        self.redis = redis
        self.prefix = prefix

    async def add(self, source: Source, replace_existing: bool = False) -> Source:
        """Store a validated source. Replacing keeps its links (adding any channels given) and
        forgets the last fingerprint, so a new location, kind or page URL base is read on the next run."""
        exists = await self.redis.exists(record_key(self.prefix, source.name))
        if exists and not replace_existing:
            raise SourceError(f"source {source.name!r} already exists (replace it with --replace)")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        if exists:
            created = _s(await self.redis.hget(record_key(self.prefix, source.name), "created") or created)
        record = {"location": source.location, "kind": source.kind or "", "every": source.every or "",
                  "cron": source.cron or "", "auth_env": source.auth_env or "", "auth_header": source.auth_header,
                  "page_url_base": source.page_url_base or "", "created": created,
                  "shared_ok": "1" if source.shared_ok else ""}
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(record_key(self.prefix, source.name), state_key(self.prefix, source.name))  # next run re-reads
        pipe.hset(record_key(self.prefix, source.name), mapping=record)
        pipe.sadd(keys.sources(self.prefix), source.name)
        # The core reads the cleared sources as one set (bot.access), as it reads links.
        if source.shared_ok:
            pipe.sadd(keys.shared_sources(self.prefix), source.name)
        else:
            pipe.srem(keys.shared_sources(self.prefix), source.name)
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
        channels = await self.channels(name)
        return Source(name=name, location=rec["location"], kind=rec.get("kind") or None,
                      every=rec.get("every") or None, cron=rec.get("cron") or None,
                      auth_env=rec.get("auth_env") or None, auth_header=rec.get("auth_header") or "Authorization",
                      page_url_base=rec.get("page_url_base") or None, created=rec.get("created", ""),
                      channels=tuple(channels), shared_ok=rec.get("shared_ok") == "1")

    async def channels(self, name: str) -> list[str]:
        """The scopes linked to a source, defined or only indexed."""
        return sorted(_s(m) for m in await self.redis.smembers(channels_key(self.prefix, name)))

    async def require(self, name: str) -> Source:
        source = await self.get(name)
        if source is None:
            raise SourceError(f"no source named {name!r}" + _known(await self.names()))
        return source

    async def names(self) -> list[str]:
        """Every known source: registered ones and those only ever indexed by `lorebot ingest`."""
        return sorted(_s(m) for m in await self.redis.smembers(keys.sources(self.prefix)))

    async def registered(self) -> list[Source]:
        found = [await self.get(name) for name in await self.names()]
        return [s for s in found if s is not None]

    async def link(self, name: str, scope: str) -> bool:
        """True when the link is new. The source must be known (registered or indexed)."""
        check_scope(scope)
        if not await self.redis.sismember(keys.sources(self.prefix), name):
            raise SourceError(f"no source named {name!r}" + _known(await self.names()))
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(keys.links(self.prefix, scope), name)
        pipe.sadd(channels_key(self.prefix, name), scope)
        added, _ = await pipe.execute()
        return bool(added)

    async def unlink(self, name: str, scope: str) -> bool:
        """True when there was such a link."""
        check_scope(scope)
        pipe = self.redis.pipeline(transaction=True)
        pipe.srem(keys.links(self.prefix, scope), name)
        pipe.srem(channels_key(self.prefix, name), scope)
        removed, _ = await pipe.execute()
        return bool(removed)

    async def linked(self, scope: str) -> list[str]:
        return sorted(_s(m) for m in await self.redis.smembers(keys.links(self.prefix, scope)))

    async def forget(self, name: str) -> None:
        """Drop the record, its links, report and state (the caller deletes the indexed chunks)."""
        scopes = [_s(m) for m in await self.redis.smembers(channels_key(self.prefix, name))]
        pipe = self.redis.pipeline(transaction=True)
        for scope in scopes:
            pipe.srem(keys.links(self.prefix, scope), name)
        pipe.srem(keys.shared_sources(self.prefix), name)
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
                "page_url_base": source.page_url_base, "channels": list(source.channels)} if source else {}),
            "syncing": bool(await self.redis.exists(sync_lock_key(self.prefix, name))),
            "next_run": _s(next_run) if next_run else None,
            "last": await self.report(name),
        }


def _known(names: list[str]) -> str:
    return f" (known: {', '.join(names)})" if names else " (none is registered yet)"
