"""Helpful / not helpful buttons under an answer, stored with what they judged (bot.answering.answer_log.feedback).

The buttons are discord.py DynamicItems: the answer id and the vote live in the custom_id, so a
click is handled by any process, after any restart, with nothing kept in memory per message.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from redis.exceptions import RedisError

from adapters.discord.clicks import claim_and_defer
from bot.types import Answer

if TYPE_CHECKING:
    from bot.core import Lorebot

log = logging.getLogger(__name__)

THANKS = {True: "Thanks! Noted as helpful.", False: "Thanks! Noted as not helpful; it helps us improve."}
EXPIRED = "That answer is too old to rate now."
FAILED = "I couldn't save your feedback right now (my document store is unreachable). Please try again later."
CUSTOM_ID = r"lorebot:fb:(?P<answer>\w{1,64}):(?P<vote>[01])"  # the answer log id and the vote


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button], template=CUSTOM_ID):
    def __init__(self, answer_id: str, helpful: bool):
        super().__init__(discord.ui.Button(
            label="Helpful" if helpful else "Not helpful", emoji="👍" if helpful else "👎",
            style=discord.ButtonStyle.secondary, custom_id=f"lorebot:fb:{answer_id}:{int(helpful)}"))
        self.answer_id = answer_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> FeedbackButton:
        return cls(match["answer"], match["vote"] == "1")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: Lorebot = interaction.client.lorebot
        try:
            if not await claim_and_defer(bot, interaction):
                return  # delivered twice: the first delivery answers
            stored = await bot.answers.feedback(self.answer_id, str(interaction.user.id), self.helpful)
            text = THANKS[self.helpful] if stored else EXPIRED
        except RedisError as exc:
            log.warning("redis unavailable while storing feedback: %s", type(exc).__name__)
            text = FAILED
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)


def feedback_view(answer: Answer) -> discord.ui.View | None:
    """The buttons for an answer worth rating (a searched answer with a log id)."""
    if not answer.id or answer.mode == "notice":
        return None
    from adapters.discord.handoff import AskPersonButton  # it imports the rendering, which imports this

    view = discord.ui.View(timeout=None)
    view.add_item(FeedbackButton(answer.id, True))
    view.add_item(FeedbackButton(answer.id, False))
    view.add_item(AskPersonButton(answer.id))
    return view
