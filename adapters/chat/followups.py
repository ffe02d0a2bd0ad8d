"""Work a bot process does besides answering, the same on every platform:

- Re-answers: it reads the stream of source changes (bot.keys.source_changes) in a consumer group of
  its platform, so one replica handles each change, re-asks the abstained questions of its platform
  (bot.insights.reanswer) and posts each new answer in the question's thread.
- Digests: every LOREBOT_DIGEST_CHECK_SECONDS it looks for channels whose weekly digest goes to a
  channel of its platform and is due (the channel's day and hour, UTC), and posts that channel's gaps
  of the last 7 days there, once per ISO week; a failed post is tried again at the next
  check (adapters.chat.digest_schedule).

The platform's part is a Poster: how to post an answer in a thread and a Markdown digest in a channel.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from typing import Protocol

from redis.exceptions import RedisError, ResponseError

from adapters.chat.digest import DIGEST_THEMES, WEEK_SECONDS, digest_markdown
from adapters.chat.digest_schedule import DigestWeeks, due_this_week
from bot import keys
from bot.channels import ChannelStore, Digest
from bot.core import Lorebot
from bot.insights.gaps import gap_report
from bot.insights.reanswer import Reanswer, reanswers

log = logging.getLogger(__name__)
UPDATED = "The documentation was updated, and now answers this question:"
READ_BLOCK_MS = 5000
STALE_MS = 10 * 60 * 1000  # a change another replica took and did not finish (it died) is taken over
RETRY_S = 5.0


class Poster(Protocol):
    platform: str

    async def post_reanswer(self, item: Reanswer, header: str) -> None: ...

    async def post_digest(self, channel: str, markdown: str) -> None: ...


class Followups:
    def __init__(self, bot: Lorebot, poster: Poster, check_seconds: float):
        self.bot = bot
        self.poster = poster
        self.check_seconds = check_seconds
        self.stream = keys.source_changes(bot.settings.key_prefix)
        self.group = f"reanswer-{poster.platform}"
        self.consumer = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    async def run(self) -> None:
        """Both loops, until cancelled."""
        await asyncio.gather(self._changes_loop(), self._digest_loop())

    # --- re-answers ----------------------------------------------------------------------------
    async def join(self) -> None:
        """Create the platform's consumer group (from now on) unless it exists."""
        try:
            await self.bot.redis.xgroup_create(self.stream, self.group, id="$", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _changes_loop(self) -> None:
        while True:
            try:
                await self.join()
                while True:
                    await self.read_changes(READ_BLOCK_MS)
            except RedisError as exc:
                log.warning("source changes unreadable: %s", type(exc).__name__)
                await asyncio.sleep(RETRY_S)

    async def read_changes(self, block_ms: int | None = None) -> int:
        """Handle the changes waiting (taking over stale ones of dead replicas); how many were handled."""
        redis = self.bot.redis
        _, stale, _ = await redis.xautoclaim(self.stream, self.group, self.consumer, STALE_MS, "0-0", count=10)
        fresh = await redis.xreadgroup(self.group, self.consumer, {self.stream: ">"}, count=10, block=block_ms)
        entries = list(stale) + [e for _, batch in fresh or [] for e in batch]
        for entry_id, fields in entries:
            source = fields.get(b"source", fields.get("source", b""))
            await self.reanswer({source.decode() if isinstance(source, bytes) else source})
            await redis.xack(self.stream, self.group, entry_id)
        return len(entries)

    async def reanswer(self, changed: set[str]) -> int:
        """Re-ask and post; how many answers were posted."""
        posted = 0
        async for item in reanswers(self.bot, self.poster.platform, changed):
            try:
                await self.poster.post_reanswer(item, UPDATED)
                posted += 1
            except Exception:  # one refused post (bot removed from the channel) must not stop the rest
                log.exception("could not post a re-answer in %s", item.asked.scope)
        return posted

    # --- digests -------------------------------------------------------------------------------
    async def _digest_loop(self) -> None:
        while True:
            try:
                await self.post_digests()
            except RedisError as exc:
                log.warning("digests not checked: %s", type(exc).__name__)
            await asyncio.sleep(self.check_seconds)

    async def post_digests(self, now: float | None = None) -> list[str]:
        """Post the digests due by `now` (Unix seconds) and not posted yet this week to this platform's
        channels; the scopes whose digest was posted."""
        now = time.time() if now is None else now
        posted = []
        weeks = DigestWeeks(self.bot.redis, self.bot.settings.key_prefix)
        configured = await ChannelStore(self.bot.redis, self.bot.settings.key_prefix).configured()
        for scope, config in configured.items():
            platform, _, target = config.digest_to.partition(":")
            if config.digest != Digest.WEEKLY or platform != self.poster.platform:
                continue
            due = due_this_week(config, now)
            if due is None or not await weeks.claim(scope, due.week):
                continue
            try:
                # Only this channel's questions: its gaps go to its own digest target and nowhere else.
                report = await gap_report(self.bot, WEEK_SECONDS, [scope], now=now, top=DIGEST_THEMES)
                if report["unanswered"]:
                    await self.poster.post_digest(target, digest_markdown(scope, report))
                    posted.append(scope)
            except Exception:
                log.exception("could not post the digest of %s to %s; trying again at the next check", scope,
                              config.digest_to)
                await weeks.failed(scope, due.week)
                continue
            await weeks.posted(scope, due.week)
        return posted
