"""Support channels on Discord, hooked into the client's message handling (adapters.discord.app) and
the mention and command answers: auto mode (adapters.discord.auto_answer), a person's reply in a
thread resolving its question, hand-offs when Lorebot abstains where a target is set
(adapters.discord.handoff), and other organisations' guilds (adapters.discord.context)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from redis.exceptions import RedisError

from adapters.discord.auto_answer import AutoAnswers
from adapters.discord.handoff import hand_off, threads_of
from bot.core import Lorebot
from bot.types import Answer, Reason
from ingest.source_checks import Platform

if TYPE_CHECKING:
    from adapters.discord.app import LorebotClient

log = logging.getLogger(__name__)


class Support:
    def __init__(self, bot: Lorebot, client: LorebotClient):
        self.bot = bot
        self.threads = threads_of(bot)
        self.auto = AutoAnswers(bot, client, self.threads)

    def start(self) -> None:
        self.auto.poller.start()

    async def stop(self, grace: float) -> None:
        await self.auto.poller.stop(grace)

    async def seen(self, message: discord.Message, me: int) -> bool:
        """Every message first: a person's reply in a thread may resolve its question; True when auto
        mode takes the message."""
        try:
            channel = message.channel
            if isinstance(channel, discord.Thread) and message.id != channel.id and \
                    not any(u.id == me for u in message.mentions):
                await self.threads.reply_seen(Platform.DISCORD, str(channel.id), str(channel.id),
                                              str(message.author.id), message.author.bot)
            return await self.auto.take(message, me)
        except RedisError as exc:
            log.warning("redis unavailable for a Discord message: %s", type(exc).__name__)
            return False

    async def answered(self, channel: discord.abc.Messageable, asker: int, answer: Answer) -> None:
        """After a reply: a thread is about this question; an abstention is handed to the target."""
        if isinstance(channel, discord.Thread):
            await self.threads.remember(Platform.DISCORD, str(channel.id), str(channel.id), answer.id, str(asker))
        if answer.error == Reason.NOT_COVERED and answer.id:
            try:
                await hand_off(self.bot, answer.id, channel, abstained=True)
            except (RedisError, discord.HTTPException) as exc:
                log.warning("could not hand off an abstention: %s", type(exc).__name__)
