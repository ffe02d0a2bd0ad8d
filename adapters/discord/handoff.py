"""Handing a question to people on Discord: the "Ask a person" button under answers, the hand-off post
(mentioning the channel's target, a role `<@&id>` or a member `<@id>`, with allowed_mentions letting
exactly that one ping; with a "Resolved" button), hand-offs when Lorebot abstains where a target is
set, and the "Share in channel" button of private answers. Buttons are DynamicItems: the answer id
lives in the custom_id, so any process handles a click, after any restart. The platform-neutral
part is adapters.chat.handoff."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from redis.exceptions import RedisError

from adapters.chat import handoff
from adapters.chat.handoff import Threads
from adapters.chat.texts import FEEDBACK_FAILED
from adapters.discord.clicks import claim_and_defer
from bot.answering.answer_log import LoggedAnswer, Outcome
from bot.channels import ChannelStore
from bot.types import Answer, AnswerMode, Citation
from ingest.source_checks import Platform

if TYPE_CHECKING:
    from bot.core import Lorebot

log = logging.getLogger(__name__)

ASKED = "Done: I've asked for a person to help in the thread."
SHARED = "Shared in the channel."
SHARED_ALREADY = "This answer was shared already."


def mention(target: str) -> tuple[str, discord.AllowedMentions]:
    """The mention of a stored target (`role:ID` or `user:ID`) and the allowed_mentions pinging it alone."""
    kind, _, ident = target.partition(":")
    if kind == "role":
        return f"<@&{ident}>", discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                                       roles=[discord.Object(int(ident))])
    return f"<@{ident}>", discord.AllowedMentions(everyone=False, roles=False, replied_user=False,
                                                  users=[discord.Object(int(ident))])


def threads_of(bot: Lorebot) -> Threads:
    return Threads(bot.redis, bot.settings.key_prefix, bot.answers, int(bot.settings.memory_ttl_days * 86400))


def logged_answer(logged: LoggedAnswer) -> Answer:
    citations = tuple(Citation(**{k: v for k, v in c.items() if k in Citation.__slots__})  # type: ignore[arg-type]
                      for c in logged.citations)
    return Answer(logged.answer, citations, AnswerMode(logged.mode or AnswerMode.EXTRACTIVE), id=logged.id)


async def hand_off(bot: Lorebot, answer_id: str, channel: discord.abc.Messageable, presser: int | None = None,
                   abstained: bool = False) -> str:
    """Post the hand-off in `channel` once per answer; what to tell the presser ("" when nothing).
    `abstained`: Lorebot hands off on its own, only where a target is set."""
    logged = await bot.answers.get(answer_id)
    if logged is None:
        return handoff.EXPIRED
    target = (await ChannelStore(bot.redis, bot.settings.key_prefix).get(logged.scope)).escalate
    if abstained and not target:
        return ""
    threads = threads_of(bot)
    if not await threads.claim_handoff(answer_id):
        return handoff.ALREADY
    asker = f"<@{logged.user}>" if logged.user else "Someone"
    what = discord.utils.escape_mentions(discord.utils.escape_markdown(handoff.summary(logged.question)))
    if target:
        pinged, allowed = mention(target)
        text = handoff.HANDOFF.format(target=pinged, asker=asker, summary=what)
    else:
        allowed = discord.AllowedMentions.none()
        text = handoff.HANDOFF_NO_TARGET.format(presser=f"<@{presser}>" if presser else "Someone", asker=asker,
                                                summary=what)
    view = discord.ui.View(timeout=None)
    view.add_item(ResolvedButton(answer_id))
    await channel.send(content=text, allowed_mentions=allowed, view=view)
    await bot.answers.mark(answer_id, Outcome.ESCALATED)
    channel_id = str(getattr(channel, "id", ""))
    if isinstance(channel, discord.Thread):  # a person's reply there now resolves this question
        await threads.remember(Platform.DISCORD, channel_id, channel_id, answer_id, logged.user, first=False)
    return ASKED if presser else ""


TEMPLATE = r"lorebot:(?P<kind>ask|res|share):(?P<answer>\w{1,64})"  # the kind of button and the answer log id


class HandOffButton(discord.ui.DynamicItem[discord.ui.Button], template=TEMPLATE):
    LABELS: ClassVar[dict[str, tuple[str, str, discord.ButtonStyle]]] = {
        "ask": ("Ask a person", "🙋", discord.ButtonStyle.secondary),
        "res": ("Resolved", "✅", discord.ButtonStyle.success),
        "share": ("Share in channel", "📣", discord.ButtonStyle.primary)}

    def __init__(self, kind: str, answer_id: str):
        label, emoji, style = self.LABELS[kind]
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style,
                                           custom_id=f"lorebot:{kind}:{answer_id}"))
        self.kind = kind
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> HandOffButton:
        return cls(match["kind"], match["answer"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: Lorebot = interaction.client.lorebot
        try:
            if not await claim_and_defer(bot, interaction):
                return  # delivered twice: the first delivery answers
            text = await self.pressed(bot, interaction)
        except RedisError as exc:
            log.warning("redis unavailable for a Discord button: %s", type(exc).__name__)
            text = FEEDBACK_FAILED
        await interaction.followup.send(text or handoff.RESOLVED, ephemeral=True)

    async def pressed(self, bot: Lorebot, interaction: discord.Interaction[Any]) -> str:
        channel = interaction.channel
        assert isinstance(channel, discord.abc.Messageable)
        if self.kind == "ask":
            return await hand_off(bot, self.answer_id, channel, interaction.user.id)
        if self.kind == "res":
            if not await bot.answers.mark(self.answer_id, Outcome.RESOLVED):
                return handoff.EXPIRED
            if interaction.message is not None:
                await interaction.message.edit(content=f"{interaction.message.content}\n✅ Resolved by "
                                               f"<@{interaction.user.id}>", view=None)
            return handoff.RESOLVED
        return await share(bot, self.answer_id, channel, interaction.user.id)


def AskPersonButton(answer_id: str) -> HandOffButton:
    return HandOffButton("ask", answer_id)


def ResolvedButton(answer_id: str) -> HandOffButton:
    return HandOffButton("res", answer_id)


def ShareButton(answer_id: str) -> HandOffButton:
    return HandOffButton("share", answer_id)


BUTTONS = (HandOffButton,)


async def share(bot: Lorebot, answer_id: str, channel: discord.abc.Messageable, user: int) -> str:
    """Post a private answer in the channel for all to see, once."""
    from adapters.discord.progress import LiveReply  # progress imports the buttons

    logged = await bot.answers.get(answer_id)
    if logged is None:
        return handoff.EXPIRED
    if not await threads_of(bot).claim_share(answer_id):
        return SHARED_ALREADY
    answer = logged_answer(logged)
    what = discord.utils.escape_mentions(discord.utils.escape_markdown(handoff.summary(logged.question)))
    shown = Answer(f"<@{user}> shared an answer to: “{what}”\n\n{answer.text}", answer.citations, answer.mode,
                   id=answer.id)
    await LiveReply(channel.send, bot.settings.discord_edit_seconds).finish(shown)  # type: ignore[attr-defined]
    return SHARED
