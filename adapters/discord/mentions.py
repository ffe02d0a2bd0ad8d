"""@mentions in channels and threads, and every message in a DM, answered in reply, once (a message
redelivered after a resume is claimed already). Each channel and each thread has its own memory.

Bots are not answered (two bots mentioning each other would never stop) unless
LOREBOT_DISCORD_ANSWER_BOTS is set; Lorebot's own messages never are.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from redis.exceptions import RedisError

from adapters.chat.texts import CLAIM_SECONDS, FAILED, with_link_hint
from adapters.discord.commands import LINK_HINT
from adapters.discord.inflight import Inflight
from adapters.discord.progress import LiveReply, Send
from adapters.discord.questions import mentions_me, message_question
from bot.core import Lorebot
from bot.store.claims import claim_once
from bot.types import Answer, AnswerMode, Reason

log = logging.getLogger(__name__)


def reply_sender(message: discord.Message) -> Send:
    """The first part of the answer replies to the question; later parts follow it in the channel."""
    sent: list[discord.Message] = []

    async def send(**kwargs: Any) -> discord.Message:
        if sent:
            reply = await message.channel.send(**kwargs)
        else:
            reply = await message.reply(mention_author=False, **kwargs)
        sent.append(reply)
        return reply

    return send


class Mentions:
    def __init__(self, bot: Lorebot, inflight: Inflight):
        self.bot = bot
        self.inflight = inflight

    def wants(self, message: discord.Message, me: int) -> bool:
        if message.author.id == me or (message.author.bot and not self.bot.settings.discord_answer_bots):
            return False
        return message.guild is None or mentions_me(message, me)

    async def handle(self, message: discord.Message, me: int) -> None:
        if not self.wants(message, me):
            return
        with self.inflight.track():
            try:
                if not await claim_once(self.bot.redis, self.bot.settings.key_prefix, f"discord:message:{message.id}",
                                        CLAIM_SECONDS):
                    return
            except RedisError as exc:  # answer anyway: the core says what needs Redis
                log.warning("redis unavailable to claim a message: %s", type(exc).__name__)
            live = LiveReply(reply_sender(message), self.bot.settings.discord_edit_seconds)
            try:
                async with message.channel.typing():
                    answer = with_link_hint(await self.bot.answer(message_question(message, me), on_text=live.update),
                                            LINK_HINT)
            except Exception:
                log.exception("answering a Discord message failed")
                answer = Answer(FAILED, mode=AnswerMode.NOTICE, error=Reason.INTERNAL)
            try:
                await live.finish(answer)
            except discord.HTTPException as exc:  # e.g. no permission to write here: only the log can say
                log.warning("Discord refused Lorebot's reply in channel %s: %s", message.channel.id, exc.status)
