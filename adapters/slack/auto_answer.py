"""Auto mode on Slack: a new top-level message in a channel set to `auto` that reads as a question
(adapters.chat.question_form) is answered in its thread when Lorebot is confident, and only recorded
(by the core's answer log) when it is not: an abstention says nothing.

With a wait (`--wait 10m`), people come first: the question waits in Redis (adapters.chat.pending),
and when it is due Lorebot reads the thread (conversations.replies) and stays out if a person other
than the asker has replied (the question is then logged as answered by a person: the documentation
backlog `lorebot gaps` counts). Answers given unasked keep a minimum gap per asker and per channel
(adapters.chat.throttle). Auto answers are posted whole, never streamed or shown in progress: until
the answer is ready Lorebot does not know whether it will speak at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from redis.exceptions import RedisError

from adapters.chat.handoff import Threads
from adapters.chat.pending import PendingQuestion, PendingQuestions, Poller, answered_by_person
from adapters.chat.question_form import is_question
from adapters.chat.texts import MESSAGE_CLAIM_SECONDS
from adapters.chat.throttle import AnswerGaps
from adapters.slack.conversations import FAILURES, Conversations
from adapters.slack.events import Incoming
from adapters.slack.render import render_answer
from adapters.slack.replies import Replies
from bot import keys
from bot.channels import ChannelMode, ChannelStore
from bot.store.claims import claim_once
from bot.types import AnswerMode, Question
from ingest.source_checks import Platform

log = logging.getLogger(__name__)


class AutoAnswers:
    def __init__(self, replies: Replies, conversations: Conversations, threads: Threads,
                 bot_user: Callable[[], Awaitable[str]], clock: Callable[[], float] = time.time):
        self.replies = replies
        self.bot = replies.bot
        settings = self.bot.settings
        self.conversations = conversations
        self.threads = threads
        self.bot_user = bot_user
        self.clock = clock
        self.channels = ChannelStore(self.bot.redis, settings.key_prefix)
        self.pending = PendingQuestions(self.bot.redis, settings.key_prefix, Platform.SLACK, clock)
        self.gaps = AnswerGaps(self.bot.redis, settings.key_prefix, settings.auto_user_gap, settings.auto_channel_gap)
        self.poller = Poller(self.pending, self.answer, settings.auto_poll_seconds)

    def candidate(self, msg: Incoming) -> bool:
        """A new top-level message by a person, not addressed to Lorebot (mentions take their own path)."""
        return not (msg.thread_ts or msg.is_dm or msg.mentions_bot or msg.from_bot or not msg.user)

    async def take(self, msg: Incoming) -> bool:
        """True when the message is auto mode's to handle (a question in an auto channel): it is then
        answered now or queued for after the wait. Raises RedisError."""
        if not self.candidate(msg):
            return False
        config = await self.channels.get(f"{Platform.SLACK}:{msg.channel}")
        if config.mode != ChannelMode.AUTO or not is_question(msg.text):
            return False
        if not await claim_once(self.bot.redis, self.bot.settings.key_prefix, msg.dedupe_key, MESSAGE_CLAIM_SECONDS):
            return True
        question = PendingQuestion(id=msg.dedupe_key, channel=msg.channel, message=msg.ts, user=msg.user,
                                   text=msg.text, asked=self.clock(), thread=msg.ts, team=msg.team)
        if config.wait_seconds > 0:
            await self.pending.add(question, self.clock() + config.wait_seconds)
        else:
            self.replies.spawn(self.answer(question, waited=False))
        return True

    async def answer(self, question: PendingQuestion, waited: bool = True) -> None:
        """Answer in the question's thread if no person did, the gaps allow and Lorebot is confident."""
        try:
            if waited and await self.conversations.person_replied(question.channel, question.thread, question.user,
                                                                  await self.bot_user()):
                log.info("auto mode: a person replied in %s/%s, staying out", question.channel, question.thread)
                await answered_by_person(self.bot, Question(
                    platform=Platform.SLACK, channel=question.channel, text=question.text, user=question.user,
                    thread=question.thread), question.id)
                return
        except FAILURES as exc:
            log.warning("auto mode: could not read the thread (%s), staying out", type(exc).__name__)
            return
        scope = f"{Platform.SLACK}:{question.channel}"
        if not await self.gaps.may_answer(question.id, scope, question.user, MESSAGE_CLAIM_SECONDS):
            return
        q = Question(platform=Platform.SLACK, channel=question.channel, text=question.text, user=question.user,
                     thread=question.thread, external=await self.conversations.is_external(question.channel))
        answer = await self.bot.answer(q)
        if not answer.answered or answer.mode == AnswerMode.NOTICE:
            return  # recorded by the core (abstained); in auto mode Lorebot says nothing
        await self.replies.post(question.channel, question.thread, render_answer(answer))
        await self.remember(question, answer.id)

    async def remember(self, question: PendingQuestion, answer_id: str) -> None:
        """Follow-ups from the asker need no mention there; a person's reply resolves the question."""
        key = keys.answered_thread(self.bot.settings.key_prefix, Platform.SLACK, question.channel, question.thread)
        ttl = int(self.bot.settings.memory_ttl_days * 86400)
        try:
            await self.bot.redis.set(key, question.user, ex=ttl)  # the asker's follow-ups only (handlers)
        except RedisError as exc:
            log.warning("could not remember the Slack thread: %s", type(exc).__name__)
        await self.threads.remember(Platform.SLACK, question.channel, question.thread, answer_id, question.user)
