"""Discord facts for support channels: whether a guild counts as another organisation's (one not in
LOREBOT_DISCORD_GUILDS, when that is set), and what a thread said before a question (its history:
the last 20 messages, at most 4,000 characters, the channel message it was started from included),
unless Lorebot already spoke there (its memory then holds the conversation)."""

from __future__ import annotations

import logging

import discord

from adapters.chat.thread_context import CONTEXT_MESSAGES, bounded_context
from adapters.settings import AppSettings

log = logging.getLogger(__name__)


def is_external(guild_id: int | None, settings: AppSettings) -> bool:
    guilds = {g.strip() for g in settings.discord_guilds.split(",") if g.strip()}
    return bool(guilds) and guild_id is not None and str(guild_id) not in guilds


async def thread_context(message: discord.Message, me: int) -> str:
    """`name: text` lines of the thread before `message`, oldest first; "" outside threads, where
    Lorebot already wrote, or when Discord will not say."""
    if not isinstance(message.channel, discord.Thread):
        return ""
    try:
        earlier = [m async for m in message.channel.history(limit=CONTEXT_MESSAGES, before=message)]
    except discord.HTTPException as exc:
        log.warning("could not read the thread for context: %s", exc.status)
        return ""
    if any(m.author.id == me for m in earlier):
        return ""
    lines = (f"{m.author.display_name}: {m.content}" for m in map(said, earlier) if m.content)
    return bounded_context(lines)  # newest first


def said(message: discord.Message) -> discord.Message:
    """The message whose words a history entry holds: a thread started from a channel message begins
    with a THREAD_STARTER_MESSAGE that has no text of its own and carries that message."""
    ref = message.reference
    if message.type is discord.MessageType.thread_starter_message and ref is not None \
            and isinstance(ref.resolved, discord.Message):
        return ref.resolved
    return message
