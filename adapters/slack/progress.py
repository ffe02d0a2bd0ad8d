"""Showing an answer as it is written: a placeholder posted at once, edited while the answer streams
(at most once a second per message, within a budget of edits for the whole process, and paused when
Slack says `ratelimited`), then replaced by the final answer (more messages in the thread if it
does not fit in one).

Progress edits go through a client that does not retry rate-limited calls: a skipped edit costs
nothing, while waiting out a Retry-After would hold back the final answer. `replace` and `post` put
final answers in place, for streamed answers too.
"""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import LOADING, SlackMessage, notice_message, progress_message

log = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0  # seconds between edits of one message
EDITS_PER_MINUTE = 50  # chat.update is a Tier 3 method: about 50 calls a minute for the workspace


class EditBudget:
    """A token bucket shared by every progress message of the process."""

    def __init__(self, per_minute: float = EDITS_PER_MINUTE, burst: int = 10):
        self.rate = per_minute / 60
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.paused_until = 0.0

    def take(self) -> bool:
        now = time.monotonic()
        if now < self.paused_until:
            return False
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def refused(self, exc: SlackApiError) -> None:
        """A skipped call: when Slack said `ratelimited`, nothing more until its Retry-After."""
        if exc.response.status_code == 429:
            self.pause(float(exc.response.headers.get("Retry-After", 1)))


class Progress:
    def __init__(self, client: AsyncWebClient, edit_client: AsyncWebClient, budget: EditBudget, channel: str,
                 thread_ts: str | None, header: str = "", interval: float = EDIT_INTERVAL):
        self.client = client
        self.edit_client = edit_client
        self.budget = budget
        self.channel = channel
        self.thread_ts = thread_ts
        self.header = header
        self.interval = interval
        self.ts: str | None = None
        self._next_edit = 0.0
        self._edit: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Post the placeholder (raises SlackApiError when the bot cannot post here)."""
        message = notice_message(LOADING, self.header)
        response = await self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts,
                                                      **message.kwargs())
        self.ts = response["ts"]
        self._next_edit = time.monotonic() + self.interval

    async def text(self, text_so_far: str) -> None:
        """The streaming callback: starts an edit when one is due, never waits for it."""
        if self.ts is None or (self._edit and not self._edit.done()) or time.monotonic() < self._next_edit:
            return
        if not self.budget.take():
            return
        self._next_edit = time.monotonic() + self.interval
        self._edit = asyncio.create_task(self._update(progress_message(text_so_far, self.header)))

    async def _update(self, message: SlackMessage) -> None:
        try:
            await self.edit_client.chat_update(channel=self.channel, ts=self.ts, **message.kwargs())
        except SlackApiError as exc:
            self.budget.refused(exc)
            log.info("progress edit skipped: %s", exc.response.get("error"))

    async def finish(self, messages: list[SlackMessage]) -> None:
        """Replace the placeholder with the first message and post the others in the thread."""
        if self._edit is not None:
            await self._edit  # an edit landing after the final answer would hide it
        await replace(self.client, self.channel, self.thread_ts, self.ts, messages)


async def replace(client: AsyncWebClient, channel: str, thread_ts: str | None, ts: str | None,
                  messages: list[SlackMessage]) -> None:
    """The bot's message `ts` becomes the first message, the others follow in the thread."""
    first, *more = messages
    try:
        await client.chat_update(channel=channel, ts=ts, **first.kwargs())
    except SlackApiError as exc:  # e.g. the message was deleted: post the answer anew
        log.warning("could not replace the bot's message (%s); posting the answer instead", exc.response.get("error"))
        more.insert(0, first)
    await post(client, channel, thread_ts or ts, more)


async def post(client: AsyncWebClient, channel: str, thread_ts: str | None, messages: list[SlackMessage]) -> None:
    for message in messages:
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.kwargs())
