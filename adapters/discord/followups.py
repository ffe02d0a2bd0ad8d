"""Discord's part of the follow-ups (adapters/chat/followups.py): a re-answer goes into the question's
thread (or its channel, for a question asked outside a thread), mentioning the asker, with the
citations embed; a digest goes to the channel in messages of at most 2,000 characters."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.render import citations_embed, split_message
from bot.insights.reanswer import Reanswer
from ingest.source_checks import Platform


class DiscordPoster:
    platform = Platform.DISCORD.value

    def __init__(self, client: discord.Client):
        self.client = client

    async def _channel(self, channel_id: str) -> Any:
        channel = self.client.get_channel(int(channel_id))
        return channel if channel is not None else await self.client.fetch_channel(int(channel_id))

    async def post_reanswer(self, item: Reanswer, header: str) -> None:
        """Raises discord.HTTPException when Discord refuses the post."""
        where = await self._channel(item.question.thread or item.question.channel)
        who = f"<@{item.asked.user}> " if item.asked.user.isdigit() else ""
        parts = split_message(f"{who}{header}\n\n{item.answer.text}")
        mentions = discord.AllowedMentions(users=True, roles=False, everyone=False)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            embed = citations_embed(item.answer) if last else None
            await where.send(content=part, allowed_mentions=mentions if i == 0 else discord.AllowedMentions.none(),
                             **({"embed": embed} if embed is not None else {}))

    async def post_digest(self, channel: str, markdown: str) -> None:
        where = await self._channel(channel)
        for part in split_message(markdown):
            await where.send(content=part, allowed_mentions=discord.AllowedMentions.none())
