"""Auto mode on Discord: a new message in a text channel set to `auto` that reads as a question
(adapters.chat.question_form), and every new post in a forum channel set to `auto`, is answered in its
thread when Lorebot is confident (a thread is started from a channel message; a forum post is one),
and only recorded (by the core's answer log) when it is not: an abstention says nothing.

With a wait, people come first: the question waits in Redis (adapters.chat.pending) and, when due,
Lorebot stays out if a person other than the asker replied to it meanwhile: in its thread (read from
the thread's history) or in the channel, as a Discord reply to the question message (seen as it
arrives, kept with the waiting question).
Answers given unasked keep a minimum gap per asker and per channel (adapters.chat.throttle). Reading
what people write needs Discord's Message Content intent (LOREBOT_DISCORD_MESSAGE_CONTENT).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from adapters.chat.handoff import Threads, summary
from adapters.chat.pending import PendingQuestion, PendingQuestions, Poller, answered_by_person
from adapters.chat.question_form import is_question
from adapters.chat.texts import MESSAGE_CLAIM_SECONDS
from adapters.chat.throttle import AnswerGaps
from adapters.discord.context import is_external
from adapters.discord.progress import LiveReply
from bot.channels import ChannelMode, ChannelStore
from bot.core import Lorebot
from bot.store.claims import claim_once
from bot.types import AnswerMode, Question
from ingest.source_checks import Platform

if TYPE_CHECKING:
    from adapters.discord.app import LorebotClient

log = logging.getLogger(__name__)

THREAD_NAME_CHARS = 100
HISTORY_LIMIT = 50  # messages of a thread read to see whether a person replied


def question_key(message_id: int | str) -> str:
    """A channel message's dedupe key: the id of its waiting question too."""
    return f"discord:message:{message_id}"


class AutoAnswers:
    def __init__(self, bot: Lorebot, client: LorebotClient, threads: Threads, clock: Callable[[], float] = time.time):
        self.bot = bot
        self.client = client
        self.threads = threads
        self.clock = clock
        settings = bot.settings
        self.channels = ChannelStore(bot.redis, settings.key_prefix)
        self.pending = PendingQuestions(bot.redis, settings.key_prefix, Platform.DISCORD, clock)
        self.gaps = AnswerGaps(bot.redis, settings.key_prefix, settings.auto_user_gap, settings.auto_channel_gap)
        self.poller = Poller(self.pending, self.answer, settings.auto_poll_seconds)

    def candidate(self, message: discord.Message, me: int) -> tuple[str, str] | None:
        """(scope channel, thread) for a new post by a person in a guild, not addressed to Lorebot:
        a top-level channel message (thread "": start one) or a forum post (thread: the post)."""
        if message.guild is None or message.author.bot or any(u.id == me for u in message.mentions):
            return None
        channel = message.channel
        if isinstance(channel, discord.Thread):
            if isinstance(channel.parent, discord.ForumChannel) and message.id == channel.id:  # a post's first message
                return str(channel.parent_id), str(channel.id)
            return None
        return str(channel.id), ""

    async def reply_seen(self, message: discord.Message, me: int) -> bool:
        """A person's reply in the channel (message_reference) to a question waiting for people: True
        when it counts as a reply to it (someone other than the asker, not addressing Lorebot), and the
        message is then part of that question's conversation, not a new question. Raises RedisError."""
        ref = message.reference
        if message.type is not discord.MessageType.reply or ref is None or ref.message_id is None \
                or message.guild is None or message.author.bot or any(u.id == me for u in message.mentions):
            return False
        return await self.pending.note_reply(question_key(ref.message_id), str(message.author.id))

    async def take(self, message: discord.Message, me: int) -> bool:
        """True when auto mode handles the message (now, or after the wait), or it is a reply to a
        question waiting for people. Raises RedisError."""
        if await self.reply_seen(message, me):
            return True
        found = self.candidate(message, me)
        if found is None:
            return False
        scope_channel, thread = found
        config = await self.channels.get(f"{Platform.DISCORD}:{scope_channel}")
        if config.mode != ChannelMode.AUTO:
            return False
        text = message.content
        if thread:  # every forum post is a question: its title says what about
            text = f"{getattr(message.channel, 'name', '')}\n{text}".strip()
        elif not is_question(text):
            return False
        key = question_key(message.id)
        if not await claim_once(self.bot.redis, self.bot.settings.key_prefix, key, MESSAGE_CLAIM_SECONDS):
            return True
        question = PendingQuestion(id=key, channel=scope_channel, message=str(message.id), user=str(message.author.id),
                                   text=text, asked=self.clock(), thread=thread,
                                   guild=str(message.guild.id) if message.guild else "")
        if config.wait_seconds > 0:
            await self.pending.add(question, self.clock() + config.wait_seconds)
        else:
            await self.answer(question, waited=False)
        return True

    async def person_replied(self, question: PendingQuestion) -> bool:
        """A person other than the asker replied to the question in the channel while it waited, or
        wrote in its thread (none started: nobody)."""
        if question.replied_by:
            return True
        thread = self.client.get_partial_messageable(int(question.thread or question.message),
                                                     guild_id=int(question.guild) if question.guild else None)
        try:
            async for m in thread.history(limit=HISTORY_LIMIT):
                if m.id != int(question.message) and not m.author.bot and str(m.author.id) != question.user:
                    return True
        except discord.NotFound:  # no thread was started from the message
            return False
        return False

    async def answer(self, question: PendingQuestion, waited: bool = True) -> None:
        """Answer in the question's thread if no person did, the gaps allow and Lorebot is confident."""
        try:
            if waited and await self.person_replied(question):
                log.info("auto mode: a person replied to %s, staying out", question.message)
                await answered_by_person(self.bot, Question(
                    Platform.DISCORD, question.channel, question.text, question.user,
                    thread=question.thread or question.message), question.id)
                return
        except discord.HTTPException as exc:
            log.warning("auto mode: could not read the thread (%s), staying out", exc.status)
            return
        scope = f"{Platform.DISCORD}:{question.channel}"
        if not await self.gaps.may_answer(question.id, scope, question.user, MESSAGE_CLAIM_SECONDS):
            return
        thread_id = question.thread or question.message
        q = Question(Platform.DISCORD, question.channel, question.text, question.user, thread=thread_id,
                     external=is_external(int(question.guild) if question.guild else None, self.bot.settings))
        answer = await self.bot.answer(q)
        if not answer.answered or answer.mode == AnswerMode.NOTICE:
            return  # recorded by the core (abstained); in auto mode Lorebot says nothing
        thread = await self.thread_for(question)
        await LiveReply(thread.send, self.bot.settings.discord_edit_seconds).finish(answer)
        await self.threads.remember(Platform.DISCORD, str(thread.id), str(thread.id), answer.id, question.user)

    async def thread_for(self, question: PendingQuestion) -> discord.abc.Messageable:
        """The question's thread: the forum post, one started from the message already, or a new one."""
        guild_id = int(question.guild) if question.guild else None
        if question.thread:
            return self.client.get_partial_messageable(int(question.thread), guild_id=guild_id)
        channel = self.client.get_partial_messageable(int(question.channel), guild_id=guild_id)
        try:
            return await channel.get_partial_message(int(question.message)).create_thread(
                name=summary(question.text)[:THREAD_NAME_CHARS] or "Question")
        except discord.HTTPException as exc:
            if exc.code != 160004:  # a thread was started from it meanwhile: answer there
                raise
            return self.client.get_partial_messageable(int(question.message), guild_id=guild_id)
