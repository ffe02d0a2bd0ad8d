"""A button press handled once, by whichever process gets it first: claimed in Redis by the
interaction's id (a redelivery after a resume, or to another process, is left alone), then deferred
at once, ephemeral and "thinking", within Discord's 3 seconds; the followup says what came of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from adapters.chat.texts import CLAIM_SECONDS
from bot.store.claims import claim_once

if TYPE_CHECKING:
    from bot.core import Lorebot


async def claim_and_defer(bot: Lorebot, interaction: discord.Interaction[Any]) -> bool:
    """True when this delivery is the first: the press is then deferred, for a followup to answer.
    Raises RedisError (nothing was deferred)."""
    if not await claim_once(bot.redis, bot.settings.key_prefix, f"discord:interaction:{interaction.id}",
                            CLAIM_SECONDS):
        return False
    await interaction.response.defer(ephemeral=True, thinking=True)
    return True
