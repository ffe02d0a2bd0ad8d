"""Messages addressed to Lorebot answered in reply, once (a message redelivered after a resume is
claimed already, for days): in channels and threads its mention (<@id>, <@!id>), a mention of the
role Discord manages for it (<@&id>), or a reply to one of its messages; in a DM every message. Each
channel and each thread has its own memory.

Without the privileged message-content intent Discord withholds the text of a message that only
reaches Lorebot through its role or a reply (the content arrives empty): Lorebot then says how to
ask instead of staying silent. Edits (MESSAGE_UPDATE) are never answered: no listener takes them.

Bots are not answered (two bots mentioning each other would never stop) unless
LOREBOT_DISCORD_ANSWER_BOTS is set; Lorebot's own messages (its user, or its application's
interaction responses) never are.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

import discord
from redis.exceptions import RedisError

from adapters.chat.texts import FAILED, MESSAGE_CLAIM_SECONDS, with_link_hint
from adapters.discord.commands import LINK_HINT
from adapters.discord.context import is_external, thread_context
from adapters.discord.inflight import Inflight
from adapters.discord.progress import LiveReply, Send
from adapters.discord.questions import mentions_me, message_question
from bot.core import Lorebot
from bot.store.claims import claim_once
from bot.types import Answer, Reason

if TYPE_CHECKING:
    from adapters.discord.support import Support

log = logging.getLogger(__name__)

WITHHELD = ("Discord didn't show me the text of that message (I only see the text of messages that "
            "@mention me directly). Mention me with my name, or use `/ask`.")


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
    def __init__(self, bot: Lorebot, inflight: Inflight, support: Support | None = None):
        self.bot = bot
        self.inflight = inflight
        self.support = support

    def wants(self, message: discord.Message, me: int) -> bool:
        own = message.author.id == me or (message.application_id is not None and message.application_id == me)
        if own or (message.author.bot and not self.bot.settings.discord_answer_bots):
            return False
        return message.guild is None or mentions_me(message, me)

    async def handle(self, message: discord.Message, me: int) -> None:
        if not self.wants(message, me):
            return
        with self.inflight.track():
            try:
                if not await claim_once(self.bot.redis, self.bot.settings.key_prefix, f"discord:message:{message.id}",
                                        MESSAGE_CLAIM_SECONDS):
                    return
            except RedisError as exc:  # answer anyway: the core says what needs Redis
                log.warning("redis unavailable to claim a message: %s", type(exc).__name__)
            live = LiveReply(reply_sender(message), self.bot.settings.discord_edit_seconds)
            if withheld(message):
                await self._finish(live, message, Answer.not_answered(WITHHELD))
                return
            try:
                async with message.channel.typing():
                    question = dataclasses.replace(
                        message_question(message, me), context=await thread_context(message, me),
                        external=is_external(message.guild.id if message.guild else None, self.bot.settings))
                    answer = with_link_hint(await self.bot.answer(question, on_text=live.update), LINK_HINT)
            except Exception:
                log.exception("answering a Discord message failed")
                answer = Answer.not_answered(FAILED, Reason.INTERNAL)
            await self._finish(live, message, answer)
            if self.support is not None:
                try:
                    await self.support.answered(message.channel, message.author.id, answer)
                except discord.HTTPException as exc:
                    log.warning("Discord refused a hand-off in channel %s: %s", message.channel.id, exc.status)

    async def _finish(self, live: LiveReply, message: discord.Message, answer: Answer) -> None:
        try:
            await live.finish(answer)
        except discord.HTTPException as exc:  # e.g. no permission to write here: only the log can say
            log.warning("Discord refused Lorebot's reply in channel %s: %s", message.channel.id, exc.status)


def withheld(message: discord.Message) -> bool:
    """Discord sent the message without its text (nothing at all to read: no text, file or embed)."""
    return not message.content and not message.attachments and not message.embeds and not message.stickers
