"""Slack event listeners: @mentions, DMs and thread follow-ups answered in their thread, exactly once
(retried deliveries and the app_mention + message pair of one message share a claim in Redis, keyed
by the message's channel and ts, kept for days: far past Slack's retries, which end within minutes),
and the feedback buttons stored with what they judged. Edits are never answered (adapters.slack.events).
Support channels (adapters.slack.support): auto mode, hand-offs, thread context and shared channels
hook in here."""

from __future__ import annotations

import logging
import re
from functools import partial
from typing import Any

from redis.exceptions import RedisError
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.chat.commands import run_command
from adapters.chat.texts import FEEDBACK_FAILED, MESSAGE_CLAIM_SECONDS
from adapters.slack.events import Incoming, read_message, wants_answer
from adapters.slack.render import HELPFUL, NOT_HELPFUL, notice_message, render_answer
from adapters.slack.replies import Replies
from adapters.slack.streaming import Recipient
from adapters.slack.support import Support
from bot import keys
from bot.core import REDIS_DOWN
from bot.store.claims import claim_once
from ingest.source_checks import Platform

log = logging.getLogger(__name__)

FEEDBACK_THANKS = {True: "Thanks! Noted as helpful.", False: "Thanks! Noted as not helpful; it helps us improve."}
FEEDBACK_EXPIRED = "That answer is too old to rate now."


class Handlers:
    def __init__(self, replies: Replies):
        self.replies = replies
        self.bot = replies.bot
        self.settings = replies.bot.settings
        self.support = Support(replies)

    def register(self, app: AsyncApp) -> None:
        self.support.register(app)
        app.event("app_mention")(self.on_message)
        app.event("message")(self.on_message)
        app.event(re.compile(".*"))(self.on_other_event)  # acked too, so Slack never retries them
        app.action(HELPFUL)(self.on_feedback)
        app.action(NOT_HELPFUL)(self.on_feedback)

    # --- messages -------------------------------------------------------------------------------
    async def on_other_event(self, event: dict[str, Any]) -> None:
        log.debug("ignored Slack event %s", event.get("type"))

    def thread_key(self, channel: str, thread_ts: str) -> str:
        return keys.answered_thread(self.settings.key_prefix, Platform.SLACK, channel, thread_ts)

    async def on_message(self, event: dict[str, Any], context: AsyncBoltContext, body: dict[str, Any]) -> None:
        msg = read_message(event, context.bot_user_id or "", context.bot_id or "", context.team_id or "",
                           body.get("api_app_id") or "")
        if msg is not None:
            self.replies.spawn(self.handle(msg, context.bot_user_id or ""))

    async def handle(self, msg: Incoming, bot_user: str = "") -> None:
        try:
            if await self.support.seen(msg):  # auto mode took it
                return
            if not await wants_answer(msg, self.settings.slack_answer_bots, self.settings.slack_thread_followups,
                                      partial(self.in_answered_thread, msg)):
                return
            if not await claim_once(self.bot.redis, self.bot.settings.key_prefix, msg.dedupe_key,
                                    MESSAGE_CLAIM_SECONDS):
                return
        except RedisError as exc:
            log.warning("redis unavailable for a Slack message: %s", type(exc).__name__)
            if msg.mentions_bot or msg.is_dm:  # surely meant for us: say why there is no answer
                await self.replies.post(msg.channel, msg.reply_thread, [notice_message(REDIS_DOWN)])
            return
        if msg.text.lower() == "forget":  # slash commands cannot name a thread: forget by mention
            done = await run_command(self.bot, msg.question(""), "forget", "", is_admin=False)
            await self.replies.post(msg.channel, msg.reply_thread, render_answer(done, feedback=False))
            return
        # Streams are for people: Slack addresses one to a user of a workspace.
        recipient = Recipient(msg.team, msg.user) if msg.team and msg.user and not msg.from_bot else None
        question = await self.support.question(msg, bot_user, partial(self.in_answered_thread, msg))
        answer = await self.replies.answer(lambda on_text: self.bot.answer(question, on_text),
                                           msg.channel, msg.reply_thread, recipient=recipient)
        if answer is not None and answer.error != "redis_unavailable":
            await self._remember_thread(msg)
            await self.support.answered(msg, answer)

    async def in_answered_thread(self, msg: Incoming) -> bool:
        """Lorebot answered in the message's thread: for anyone there, or (auto mode) for its asker."""
        if not msg.thread_ts:
            return False
        found = await self.bot.redis.get(self.thread_key(msg.channel, msg.reply_thread))
        return found is not None and (found.decode() if isinstance(found, bytes) else found) in ("1", msg.user)

    async def _remember_thread(self, msg: Incoming) -> None:
        """Mark the thread as one the bot answers in, for follow-ups without a mention."""
        ttl = int(self.settings.memory_ttl_days * 86400)
        try:
            await self.bot.redis.set(self.thread_key(msg.channel, msg.reply_thread), "1", ex=ttl)
        except RedisError as exc:
            log.warning("could not remember the Slack thread: %s", type(exc).__name__)

    # --- feedback -------------------------------------------------------------------------------
    async def on_feedback(self, ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        self.replies.spawn(self.feedback(body, action))

    async def feedback(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        helpful = action.get("action_id") == HELPFUL
        user = (body.get("user") or {}).get("id", "")
        try:
            stored = await self.bot.answers.feedback(str(action.get("value", "")), user, helpful)
            text = FEEDBACK_THANKS[helpful] if stored else FEEDBACK_EXPIRED
        except RedisError as exc:
            log.warning("could not store Slack feedback: %s", type(exc).__name__)
            text = FEEDBACK_FAILED
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        thread_ts = (body.get("message") or {}).get("thread_ts") or None  # where the rated answer is
        await self.replies.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts,
                                                     **notice_message(text).kwargs())
