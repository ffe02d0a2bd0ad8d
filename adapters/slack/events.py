"""Reading Slack message events: which messages are questions for the bot, and the Question each one
is. Pure functions of the event and the bot's identity, so every rule is easy to see and test.

Slack sends blank strings for absent fields in places ("thread_ts": "", "bot_id": ""); they count as
absent here.

Edits are never questions: Slack delivers an edited message that mentions the bot as a new
`app_mention` (a new event_id, the same ts, an `edited` field) and as a `message_changed`; both are
read as nobody's question, however late they come, so an edit never brings a second answer. A
`thread_broadcast` (a thread reply also sent to the channel) is the reply itself: answered in its
thread like any reply, under the same claim as its app_mention, never at the channel's top level.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.slack.mrkdwn import mentioned_users, plain_text
from bot.types import Question
from ingest.source_checks import Platform

# Message subtypes that are a person (or bot) saying something; the rest (edits, deletions, joins,
# topic changes...) are never questions.
SAID = {None, "bot_message", "file_share", "thread_broadcast", "me_message"}


def is_edit(event: dict[str, Any]) -> bool:
    """An edited message (Slack's `edited` names who edited it and when; blank in a fresh one)."""
    edited = event.get("edited")
    return isinstance(edited, dict) and bool(edited.get("ts") or edited.get("user"))


def is_own(event: dict[str, Any], bot_user: str, bot_id: str, app_id: str) -> bool:
    """A message Lorebot itself posted, in any of the forms Slack reports it: its bot user, its bot
    id, or its app (the message's app_id or bot profile)."""
    sender_app = event.get("app_id") or (event.get("bot_profile") or {}).get("app_id") or ""
    return bool((bot_user and event.get("user") == bot_user) or (bot_id and event.get("bot_id") == bot_id)
                or (app_id and sender_app == app_id))


@dataclass(frozen=True)
class Incoming:
    """One message event, as far as answering goes."""

    channel: str
    ts: str
    thread_ts: str | None  # the thread it was posted in, None at the top level
    user: str
    team: str  # the asker's workspace (theirs, not the channel's, in a Slack Connect channel)
    text: str  # plain text, the bot's mention removed
    is_dm: bool
    mentions_bot: bool
    mentions_others: bool
    from_bot: bool

    @property
    def reply_thread(self) -> str:
        """Answers go in the message's thread, or start one under it."""
        return self.thread_ts or self.ts

    @property
    def dedupe_key(self) -> str:
        """The same for a retried delivery and for the app_mention and message events of one message."""
        return f"slack:{self.channel}:{self.ts}"

    def question(self, text: str | None = None) -> Question:
        return Question(platform=Platform.SLACK, channel=self.channel, text=self.text if text is None else text,
                        user=self.user, thread=self.reply_thread, is_dm=self.is_dm)


def read_message(event: dict[str, Any], bot_user: str, bot_id: str, team: str = "",
                 app_id: str = "") -> Incoming | None:
    """The message in an app_mention or message event, or None when it is nobody's question (an edit,
    a deletion, a join, the bot's own message). `team` is the workspace the event came to, for
    events that name none; `app_id` is Lorebot's app (the envelope's api_app_id)."""
    subtype = event.get("subtype") or None
    if subtype not in SAID or event.get("hidden") or is_edit(event):
        return None
    user = event.get("user") or ""
    sender_bot = event.get("bot_id") or ""
    if is_own(event, bot_user, bot_id, app_id):
        return None
    channel, ts = event.get("channel") or "", event.get("ts") or ""
    if not channel or not ts:
        return None
    raw = event.get("text") or ""
    mentions = mentioned_users(raw)
    return Incoming(
        channel=channel,
        ts=ts,
        thread_ts=(event.get("thread_ts") or None) if event.get("thread_ts") != ts else None,
        user=user or sender_bot,
        team=event.get("user_team") or event.get("team") or team,
        text=plain_text(raw, drop_user=bot_user),
        is_dm=event.get("channel_type") == "im" or channel.startswith("D"),
        mentions_bot=event.get("type") == "app_mention" or bot_user in mentions,
        mentions_others=bool(mentions - {bot_user}),
        from_bot=bool(sender_bot) or subtype == "bot_message",
    )


async def wants_answer(msg: Incoming, answer_bots: bool, followups: bool,
                       answered_thread: Callable[[], Awaitable[bool]]) -> bool:
    """Mentions and DMs are answered; so are follow-ups in a thread the bot answered (when enabled)
    unless they address someone else. Other bots only when configured. `answered_thread` (a Redis
    look-up) is only awaited when it decides."""
    if msg.from_bot and not answer_bots:
        return False
    if msg.mentions_bot or msg.is_dm:
        return True
    if not msg.thread_ts or not followups or msg.mentions_others:
        return False
    return await answered_thread()
