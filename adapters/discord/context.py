"""Discord facts for support channels: whether a guild counts as another organisation's (one not in
LOREBOT_DISCORD_GUILDS, when that is set), and what a thread said before a question (its history:
the last 20 messages, at most 4,000 characters), unless Lorebot already spoke there (its memory
then holds the conversation)."""

from __future__ import annotations

import logging

import discord

from adapters.settings import AppSettings

log = logging.getLogger(__name__)

CONTEXT_MESSAGES = 20
CONTEXT_CHARS = 4000


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
    lines: list[str] = []
    size = 0
    for m in earlier:  # newest first
        if not m.content:
            continue
        line = f"{m.author.display_name}: {m.content}"
        if size + len(line) > CONTEXT_CHARS:
            if not lines:
                lines.append(line[-CONTEXT_CHARS:])
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(reversed(lines))
