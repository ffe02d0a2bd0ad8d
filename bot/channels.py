"""How each channel wants Lorebot to behave, stored in Redis so every process follows a change at once.

A channel is a scope (`PLATFORM:ID`, opaque here). Its answer mode says when Lorebot speaks unasked, its
threshold when it abstains, its escalation target whom a hand-off mentions (a platform-specific id the
adapters render). Channels with nothing set get the defaults; `reset` returns a channel to them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from bot import keys

_SCOPE = re.compile(r"^[a-z]+:[^\s:]+$")


class ChannelMode(StrEnum):
    """MENTIONS: answer when addressed (mention, DM, a thread Lorebot answered). AUTO: also answer new
    questions posted in the channel, when confident, after `wait_seconds` without a person's reply."""

    MENTIONS = "mentions"
    AUTO = "auto"


class Digest(StrEnum):
    """How often the channel's knowledge gaps are posted to its digest target (bot/insights)."""

    OFF = "off"
    WEEKLY = "weekly"


class Weekday(StrEnum):
    """The day a weekly digest is posted, in ISO order (Monday first)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def ordinal(self) -> int:
        """0 for Monday .. 6 for Sunday (datetime.weekday())."""
        return list(Weekday).index(self)


@dataclass(frozen=True)
class ChannelConfig:
    """One channel's settings. `threshold` None means the configured default (Settings); `wait_seconds`
    0 means answer at once; `escalate` empty means no hand-off target. `digest` posts the channel's
    gaps every week to `digest_to` (a scope, `PLATFORM:ID`); `reanswer` lets Lorebot answer, in their
    thread, the questions it abstained on once a sync brings documents that answer them. The digest
    is due each week on `digest_day` at `digest_hour` o'clock UTC (0-23; by default Monday 00:00, the
    start of the ISO week)."""

    mode: ChannelMode = ChannelMode.MENTIONS
    wait_seconds: float = 0.0
    threshold: float | None = None
    escalate: str = ""
    digest: Digest = Digest.OFF
    digest_to: str = ""
    reanswer: bool = False
    digest_day: Weekday = Weekday.MON
    digest_hour: int = 0

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"mode": self.mode.value, "wait_seconds": self.wait_seconds,
                                    "threshold": self.threshold, "escalate": self.escalate}
        # The gap features' fields appear once set, so the settings of channels without them read as before.
        if self.digest != Digest.OFF or self.digest_to:
            found.update(digest=Digest(self.digest).value, digest_to=self.digest_to,
                         digest_day=Weekday(self.digest_day).value, digest_hour=self.digest_hour)
        if self.reanswer:
            found["reanswer"] = True
        return found


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


class ChannelStore:
    """Channel settings in Redis: one hash per configured channel and a set of configured scopes."""

    def __init__(self, redis: Redis, prefix: str):
        self.redis = redis
        self.prefix = prefix

    async def get(self, scope: str) -> ChannelConfig:
        """The channel's settings (the defaults when none are stored)."""
        raw = {_s(k): _s(v) for k, v in (await self.redis.hgetall(keys.channel(self.prefix, scope))).items()}
        return _parse(raw)

    async def update(self, scope: str, **changes: object) -> ChannelConfig:
        """Change some fields (names of ChannelConfig) and return the result. Raises ValueError for an
        unknown field or a value of the wrong kind (a threshold outside 0..1, a negative wait)."""
        config = dataclasses.replace(await self.get(scope), **changes)  # type: ignore[arg-type]
        _check(config)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(keys.channel(self.prefix, scope), mapping=_fields(config))
        pipe.sadd(keys.channels(self.prefix), scope)
        await pipe.execute()
        return config

    async def reset(self, scope: str) -> bool:
        """Back to the defaults; True when something was stored."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(keys.channel(self.prefix, scope))
        pipe.srem(keys.channels(self.prefix), scope)
        deleted, _ = await pipe.execute()
        return bool(deleted)

    async def configured(self) -> dict[str, ChannelConfig]:
        """Every channel with stored settings, by scope, sorted."""
        scopes = sorted(_s(m) for m in await self.redis.smembers(keys.channels(self.prefix)))
        return {scope: await self.get(scope) for scope in scopes}


def _check(config: ChannelConfig) -> None:
    ChannelMode(config.mode)
    if config.threshold is not None and not 0.0 <= float(config.threshold) <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {config.threshold}")
    if float(config.wait_seconds) < 0:
        raise ValueError(f"wait must not be negative, not {config.wait_seconds}")
    Digest(config.digest)
    Weekday(config.digest_day)
    if not isinstance(config.digest_hour, int) or not 0 <= config.digest_hour <= 23:
        raise ValueError(f"the digest hour must be a whole hour from 0 to 23 (UTC), not {config.digest_hour!r}")
    if config.digest != Digest.OFF and not _SCOPE.match(config.digest_to):
        raise ValueError(f"a digest needs a target PLATFORM:ID, not {config.digest_to!r}")


def _fields(config: ChannelConfig) -> dict[FieldT, EncodableT]:
    return {"mode": config.mode.value, "wait_seconds": repr(float(config.wait_seconds)),
            "threshold": "" if config.threshold is None else repr(float(config.threshold)),
            "escalate": config.escalate, "digest": Digest(config.digest).value, "digest_to": config.digest_to,
            "reanswer": "1" if config.reanswer else "", "digest_day": Weekday(config.digest_day).value,
            "digest_hour": str(config.digest_hour)}


def _parse(raw: dict[str, str]) -> ChannelConfig:
    if not raw:
        return ChannelConfig()
    threshold = raw.get("threshold", "")
    return ChannelConfig(mode=ChannelMode(raw.get("mode", ChannelMode.MENTIONS)),
                         wait_seconds=float(raw.get("wait_seconds") or 0.0),
                         threshold=float(threshold) if threshold else None,
                         escalate=raw.get("escalate", ""), digest=Digest(raw.get("digest") or Digest.OFF),
                         digest_to=raw.get("digest_to", ""), reanswer=raw.get("reanswer") == "1",
                         digest_day=Weekday(raw.get("digest_day") or Weekday.MON),
                         digest_hour=int(raw.get("digest_hour") or 0))
