"""Support channels on Slack, hooked into the message listener (adapters.slack.handlers): auto mode
(adapters.slack.auto_answer), hand-offs and private answers (adapters.slack.handoff), a person's reply
resolving a question, a thread's earlier messages as context, and shared channels answered only from
sources cleared for them."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from redis.exceptions import RedisError
from slack_bolt.async_app import AsyncApp

from adapters.chat.handoff import Threads
from adapters.slack.auto_answer import AutoAnswers
from adapters.slack.conversations import Conversations
from adapters.slack.events import Incoming
from adapters.slack.handoff import HandOffs
from adapters.slack.replies import Replies
from bot.types import Answer, Question, Reason
from ingest.source_checks import Platform

log = logging.getLogger(__name__)


class Support:
    def __init__(self, replies: Replies):
        bot = replies.bot
        self.bot = bot
        self.conversations = Conversations(replies.client)
        ttl = int(bot.settings.memory_ttl_days * 86400)
        self.threads = Threads(bot.redis, bot.settings.key_prefix, bot.answers, ttl)
        self.handoffs = HandOffs(replies, self.threads)
        self.auto = AutoAnswers(replies, self.conversations, self.threads, self.conversations.bot_user)

    def register(self, app: AsyncApp) -> None:
        self.handoffs.register(app)

    def start(self) -> None:
        """Poll for questions whose wait is over (every process does: each question is taken once)."""
        self.auto.poller.start()

    async def stop(self, grace: float) -> None:
        await self.auto.poller.stop(grace)

    async def seen(self, msg: Incoming) -> bool:
        """Every message first: a person's reply in a thread may resolve its question; True when auto
        mode takes the message. Raises RedisError."""
        if msg.thread_ts and not msg.mentions_bot:
            await self.threads.reply_seen(Platform.SLACK, msg.channel, msg.thread_ts, msg.user, msg.from_bot)
        return await self.auto.take(msg)

    async def question(self, msg: Incoming, bot_user: str, answered_thread: Callable[[], Awaitable[bool]]) -> Question:
        """The message's Question: marked external in a shared channel; inside a thread Lorebot has
        not answered yet, with what the thread said before (untrusted context)."""
        context = ""
        try:
            fresh_thread = bool(msg.thread_ts) and not await answered_thread()
        except RedisError:
            fresh_thread = False
        if fresh_thread and msg.thread_ts:
            context = await self.conversations.context(msg.channel, msg.thread_ts, msg.ts, bot_user)
        return dataclasses.replace(msg.question(), context=context,
                                   external=await self.conversations.is_external(msg.channel))

    async def answered_in_channel(self, q: Question, answer: Answer) -> None:
        """After `/lore ask` (an answer of its own in the channel): an abstention is handed off there."""
        if answer.error == Reason.NOT_COVERED and answer.id:
            await self.handoffs.hand_off(answer.id, q.channel, None, abstained=True)

    async def answered(self, msg: Incoming, answer: Answer) -> None:
        """After a reply: the thread is about this question; an abstention is handed to the channel's
        target, where one is set."""
        await self.threads.remember(Platform.SLACK, msg.channel, msg.reply_thread, answer.id, msg.user)
        if answer.error == Reason.NOT_COVERED and answer.id:
            try:
                await self.handoffs.hand_off(answer.id, msg.channel, msg.reply_thread, abstained=True)
            except RedisError as exc:
                log.warning("could not hand off an abstention: %s", type(exc).__name__)
