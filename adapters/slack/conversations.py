"""What Slack says about a conversation: whether a channel is shared with other organisations (Slack
Connect: conversations.info's `is_ext_shared`), what a thread said before a question, and whether a
person has replied in a thread (conversations.replies).

Sharing is looked up once per channel every few minutes. When Slack will not say (a missing scope,
Slack out of reach), the channel counts as shared: internal documents stay internal, and the log
says which scope to add.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.mrkdwn import plain_text

log = logging.getLogger(__name__)

SHARING_TTL = 300.0  # seconds a channel's sharing is remembered
CONTEXT_MESSAGES = 20
CONTEXT_CHARS = 4000
REPLIES_PAGE = 200  # messages a conversations.replies call reads (a thread longer than that: its first page)
FAILURES = (SlackApiError, aiohttp.ClientError, TimeoutError)


@dataclass(frozen=True)
class ThreadMessage:
    user: str
    text: str
    ts: str
    from_bot: bool


class Conversations:
    def __init__(self, client: AsyncWebClient, clock=time.monotonic):
        self.client = client
        self.clock = clock
        self._sharing: dict[str, tuple[bool, float]] = {}
        self._me = ""

    async def bot_user(self) -> str:
        """Lorebot's own user id (auth.test, once). Raises SlackApiError."""
        if not self._me:
            self._me = str((await self.client.auth_test()).get("user_id") or "")
        return self._me

    async def is_external(self, channel: str) -> bool:
        """True for a channel shared with other organisations, or one Slack would not describe."""
        known = self._sharing.get(channel)
        if known and self.clock() - known[1] < SHARING_TTL:
            return known[0]
        try:
            info = (await self.client.conversations_info(channel=channel)).get("channel") or {}
            shared = bool(info.get("is_ext_shared") or info.get("is_pending_ext_shared"))
        except FAILURES as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("conversations.info failed for %s (%s): answering there as in a shared channel "
                        "(the app needs channels:read, groups:read, im:read and mpim:read)", channel, error)
            return True  # not remembered: asked again next time
        self._sharing[channel] = (shared, self.clock())
        return shared

    async def thread(self, channel: str, thread_ts: str) -> list[ThreadMessage]:
        """The thread's messages, oldest first (its first REPLIES_PAGE). Raises SlackApiError."""
        response = await self.client.conversations_replies(channel=channel, ts=thread_ts, limit=REPLIES_PAGE)
        return [_message(m) for m in response.get("messages") or []]

    async def context(self, channel: str, thread_ts: str, before_ts: str, bot_user: str) -> str:
        """What the thread said before `before_ts`: its last CONTEXT_MESSAGES messages, at most
        CONTEXT_CHARS characters (the latest kept), one `user: text` line each; "" when Slack will not say."""
        try:
            messages = await self.thread(channel, thread_ts)
        except FAILURES as exc:
            log.warning("could not read the thread for context: %s", getattr(exc, "response", {}).get("error")
                        if isinstance(exc, SlackApiError) else type(exc).__name__)
            return ""
        earlier = [m for m in messages if float(m.ts) < float(before_ts) and m.text][-CONTEXT_MESSAGES:]
        lines: list[str] = []
        size = 0
        for m in reversed(earlier):
            line = f"{'Lorebot' if m.user == bot_user else m.user}: {plain_text(m.text, drop_user=bot_user)}"
            if size + len(line) > CONTEXT_CHARS:
                if not lines:
                    lines.append(line[-CONTEXT_CHARS:])
                break
            lines.append(line)
            size += len(line) + 1
        return "\n".join(reversed(lines))

    async def person_replied(self, channel: str, thread_ts: str, asker: str, bot_user: str) -> bool:
        """A person other than the asker wrote in the thread (bots do not count). Raises SlackApiError."""
        return any(m.ts != thread_ts and not m.from_bot and m.user not in ("", asker, bot_user)
                   for m in await self.thread(channel, thread_ts))


def _message(m: dict[str, Any]) -> ThreadMessage:
    return ThreadMessage(user=m.get("user") or m.get("bot_id") or "", text=m.get("text") or "", ts=m.get("ts") or "0",
                         from_bot=bool(m.get("bot_id")) or m.get("subtype") == "bot_message")
