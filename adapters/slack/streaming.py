"""Answers streamed with Slack's chat.startStream / appendStream / stopStream (LOREBOT_SLACK_STREAMING).

The stream starts with the answer's first words and takes more at most once a second (within a
budget of appends for the process), as standard Markdown with the citations numbered as in the
finished answer. chat.stopStream adds the rest of the text and the closing blocks (sources,
feedback buttons); text past what one streamed message holds goes in messages after it. When the
finished answer is not what the stream shows (the model failed half-way, an error), the stream
ends with a note and the message is replaced by the answer.

Where Slack refuses to start a stream, the answer falls back to the placeholder and its edits
(adapters.slack.progress). In "auto" mode an error that says this app, or this channel, cannot
stream turns streaming off there for the rest of the process, with one log line.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import NamedTuple

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.mrkdwn import FENCE, cut_for_stream, defused, settled
from adapters.slack.progress import EditBudget, Progress, post, replace
from adapters.slack.render import Block, SlackMessage, context, render_answer, render_closing
from bot.types import Answer

log = logging.getLogger(__name__)

STREAM_CHARS = 12_000  # markdown_text a call; held to for a streamed message's whole text too
STREAM_ROOM = STREAM_CHARS - len(FENCE) - 1  # room left to close a code block at the end
APPEND_INTERVAL = 1.0  # seconds between appends to one stream
APPENDS_PER_MINUTE = 100  # chat.appendStream is a Tier 4 method
REPLACED = "_This draft was cut short: the answer is below._"  # seen only when it cannot be replaced

# chat.startStream errors that will recur on every answer (Slack's common errors and the method's own):
# a Slack without the method, a token or an organisation that may not use it...
APP_CANNOT_STREAM = frozenset({"unknown_method", "method_deprecated", "deprecated_endpoint",
                               "not_allowed_token_type", "missing_scope", "enterprise_is_restricted"})
# ... or a channel of a kind streams are not supported in.
CHANNEL_CANNOT_STREAM = frozenset({"channel_type_not_supported"})
# What a stream call can fail with: Slack's refusal, or Slack out of reach (after the client's retries).
FAILURES = (SlackApiError, aiohttp.ClientError, TimeoutError)


class Recipient(NamedTuple):
    """Whom a stream in a channel is for (Slack requires both outside DMs)."""

    team: str
    user: str


class StreamSwitch:
    """Whether an answer is streamed: the setting, and what Slack said so far."""

    def __init__(self, mode: str):
        self.mode = mode
        self.app_refused = False
        self.channels_refused: set[str] = set()

    def allows(self, channel: str) -> bool:
        return self.mode != "off" and not self.app_refused and channel not in self.channels_refused

    def refused(self, channel: str, error: str) -> None:
        """chat.startStream failed with `error`: this answer uses message edits instead."""
        if self.mode == "auto" and error in APP_CANNOT_STREAM:
            if not self.app_refused:
                log.warning("Slack refused chat.startStream (%s): answers use message edits instead of streams "
                            "until restart (LOREBOT_SLACK_STREAMING=auto)", error)
            self.app_refused = True
        elif self.mode == "auto" and error in CHANNEL_CANNOT_STREAM:
            if channel not in self.channels_refused:
                log.info("Slack refused chat.startStream in %s (%s): answers there use message edits", channel, error)
            self.channels_refused.add(channel)
        else:
            log.warning("could not start a stream in %s (%s): this answer uses message edits", channel, error)


class StreamedAnswer:
    """One answer streamed into its thread: `text` is the core's streaming callback, `finish` ends it."""

    def __init__(self, client: AsyncWebClient, edit_client: AsyncWebClient, budget: EditBudget,
                 switch: StreamSwitch, channel: str, thread_ts: str, recipient: Recipient,
                 fallback: Callable[[], Progress], interval: float = APPEND_INTERVAL):
        self.client = client  # retries rate-limited calls: for the final ones
        self.edit_client = edit_client  # does not: a skipped append costs nothing
        self.budget = budget
        self.switch = switch
        self.channel = channel
        self.thread_ts = thread_ts
        self.recipient = recipient
        self.fallback = fallback
        self.interval = interval
        self.ts: str | None = None
        self.sent = ""  # the markdown the stream holds
        self.progress: Progress | None = None  # the placeholder, once Slack refused the stream
        self.appending = True  # False once the stream takes no more before the end
        self.stopped_by_user = False
        self._next = 0.0
        self._append: asyncio.Task[None] | None = None

    async def text(self, text_so_far: str) -> None:
        """Starts the stream or an append when one is due; never waits for an append."""
        if self.progress is not None:
            await self.progress.text(text_so_far)
            return
        if not self.appending or (self._append and not self._append.done()) or time.monotonic() < self._next:
            return
        ready = settled(text_so_far, STREAM_ROOM)
        if self.ts is None:
            if ready:
                await self._start(ready)
            return
        self._next = time.monotonic() + self.interval  # the text is looked at once an interval, however long
        if len(ready) > len(self.sent) and ready.startswith(self.sent) and self.budget.take():
            self._append = asyncio.create_task(self._send(ready))

    async def _start(self, markdown: str) -> None:
        try:
            response = await self.edit_client.chat_startStream(
                channel=self.channel, thread_ts=self.thread_ts, markdown_text=markdown,
                recipient_team_id=self.recipient.team, recipient_user_id=self.recipient.user)
        except FAILURES as exc:
            self.switch.refused(self.channel, reason(exc))
            await self._fall_back()
            return
        self.ts, self.sent = response["ts"], markdown
        self._next = time.monotonic() + self.interval

    async def _fall_back(self) -> None:
        progress = self.fallback()
        try:
            await progress.start()
        except FAILURES as exc:  # the bot cannot post here: finish() will say so to the log
            log.info("no placeholder either (%s)", reason(exc))
            self.appending = False
            return
        self.progress = progress

    async def _send(self, markdown: str) -> None:
        try:
            await self.edit_client.chat_appendStream(channel=self.channel, ts=self.ts,
                                                     markdown_text=markdown[len(self.sent):])
        except FAILURES as exc:
            if isinstance(exc, SlackApiError) and exc.response.status_code == 429:
                self.budget.refused(exc)  # appends wait for Slack's Retry-After; the text is not lost
            else:  # the stream takes no more; finish() still ends it
                self.appending = False
                self.stopped_by_user = reason(exc) == "stopped_by_user"
            log.info("stream append skipped: %s", reason(exc))
            return
        self.sent = markdown

    async def finish(self, messages: list[SlackMessage], answer: Answer | None) -> None:
        """End with the answer (`messages`: it rendered whole, or the error to show instead)."""
        if self.progress is not None:
            await self.progress.finish(messages)
            return
        if self._append is not None:
            await self._append  # an append landing after the stop would be refused
        if self.ts is None:  # nothing was streamed (no text, or no stream could start)
            await post(self.client, self.channel, self.thread_ts, messages)
            return
        if self.stopped_by_user:
            log.info("the user stopped the streamed answer in %s", self.channel)
            return
        text = defused(answer.text) if answer is not None else ""
        if answer is not None and text.startswith(self.sent):
            head, rest = cut_for_stream(text, len(self.sent), STREAM_CHARS)
            if rest:  # the text goes on in messages after the stream; they end with the sources
                closing, after = None, render_answer(dataclasses.replace(answer, text=rest))
            else:
                closing, *after = render_closing(answer) or [None]
            if await self._stop(head[len(self.sent):], closing.blocks if closing else None):
                await post(self.client, self.channel, self.thread_ts, after)
                return
        else:
            await self._stop("", [context(REPLACED)])
        await replace(self.client, self.channel, self.thread_ts, self.ts, messages)

    async def _stop(self, markdown: str, blocks: list[Block] | None) -> bool:
        try:
            await self.client.chat_stopStream(channel=self.channel, ts=self.ts, markdown_text=markdown or None,
                                              blocks=blocks)
        except FAILURES as exc:
            log.warning("could not stop the stream in %s (%s)", self.channel, reason(exc))
            return False
        return True


def reason(exc: Exception) -> str:
    """Slack's error code, or the kind of failure when Slack was not reached."""
    return str(exc.response.get("error")) if isinstance(exc, SlackApiError) else type(exc).__name__
