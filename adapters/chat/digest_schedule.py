"""When a channel's weekly digest is due, and posting it once per week across replicas.

A digest is due in each ISO week (Monday 00:00 UTC onwards) at the channel's day and hour (UTC,
bot.channels.ChannelConfig.digest_day / digest_hour), and stays due until the end of that week or
until it is posted. A process posts it under a claim (keys.digest_claim, a lease of CLAIM_SECONDS) so
two replicas do not both post; the week is marked posted (keys.digest_posted) only once the post
succeeded (or there was nothing to post), and a failed post releases the claim, so the next check of
any replica tries again instead of skipping the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from bot import keys
from bot.channels import ChannelConfig, Weekday

CLAIM_SECONDS = 15 * 60  # longer than building and posting a digest takes; a dead poster's claim lapses
POSTED_SECONDS = 8 * 86400  # the mark outlives its week


@dataclass(frozen=True)
class DueDigest:
    """One week's digest: `week` its ISO label (2026-W48), `due` when it is due (Unix seconds)."""

    week: str
    due: float


def due_this_week(config: ChannelConfig, now: float) -> DueDigest | None:
    """The digest of the ISO week holding `now` (Unix seconds) when it is due by then, else None."""
    moment = datetime.fromtimestamp(now, UTC)
    year, week, weekday = moment.isocalendar()
    monday = datetime(moment.year, moment.month, moment.day, tzinfo=UTC) - timedelta(days=weekday - 1)
    due = monday + timedelta(days=Weekday(config.digest_day).ordinal, hours=config.digest_hour)
    if moment < due:
        return None
    return DueDigest(f"{year}-W{week:02d}", due.timestamp())


class DigestWeeks:
    """Which channels' digests are posted, per week, and who is posting one now."""

    def __init__(self, redis: Redis, prefix: str):
        self.redis = redis
        self.prefix = prefix

    async def claim(self, scope: str, week: str) -> bool:
        """True when this process may post `scope`'s digest of `week`: not posted yet and not being
        posted by another process. Raises redis.exceptions.RedisError."""
        if await self.redis.exists(keys.digest_posted(self.prefix, scope, week)):
            return False
        return bool(await self.redis.set(keys.digest_claim(self.prefix, scope, week), "1", nx=True,
                                         ex=CLAIM_SECONDS))

    async def posted(self, scope: str, week: str) -> None:
        """Mark the week's digest posted (kept POSTED_SECONDS)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(keys.digest_posted(self.prefix, scope, week), "1", ex=POSTED_SECONDS)
        pipe.delete(keys.digest_claim(self.prefix, scope, week))
        await pipe.execute()

    async def failed(self, scope: str, week: str) -> None:
        """Give the claim up, so the next check (of any process) tries again."""
        await self.redis.delete(keys.digest_claim(self.prefix, scope, week))
