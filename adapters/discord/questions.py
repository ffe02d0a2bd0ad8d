"""Discord facts as the core's terms: where a question was asked (channel, thread, DM), its text
without the bot's mention, and whether the asker is an admin."""

from __future__ import annotations

import re

import discord

from adapters.settings import AppSettings
from bot.types import Question
from ingest.source_checks import Platform


def _question(channel: object, channel_id: int | None, in_guild: bool, text: str, user: int) -> Question:
    """Sources are linked to a channel; a thread of it sees them too, with a memory of its own."""
    if isinstance(channel, discord.Thread) and channel.parent_id:
        return Question(Platform.DISCORD, str(channel.parent_id), text, str(user), thread=str(channel.id))
    return Question(Platform.DISCORD, str(channel_id), text, str(user), is_dm=not in_guild)


def interaction_question(interaction: discord.Interaction, text: str = "") -> Question:
    return _question(interaction.channel, interaction.channel_id, interaction.guild_id is not None, text,
                     interaction.user.id)


def message_question(message: discord.Message, bot_id: int) -> Question:
    """The question a message asks: its text without the bot's mentions (<@id>, <@!id>, <@&its role>)."""
    roles = "|".join(str(r.id) for r in message.role_mentions if is_own_role(r, bot_id))
    text = re.sub(rf"<@!?{bot_id}>" + (rf"|<@&(?:{roles})>" if roles else ""), " ", message.content).strip()
    return _question(message.channel, message.channel.id, message.guild is not None, text, message.author.id)


def is_admin(interaction: discord.Interaction, settings: AppSettings) -> bool:
    """Manage Server in this channel, or the configured admin role (by ID or name). Never in DMs."""
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_guild:
        return True
    wanted = settings.discord_admin_role.strip()
    roles = getattr(interaction.user, "roles", [])
    return bool(wanted) and any(wanted in (str(role.id), role.name) for role in roles)


def is_own_role(role: discord.Role, bot_id: int) -> bool:
    """The role Discord manages for the bot (its tags name the bot)."""
    return role.tags is not None and role.tags.bot_id == bot_id


def replies_to_me(message: discord.Message, bot_id: int) -> bool:
    """A reply to one of the bot's messages (Discord sends the message replied to with the reply)."""
    ref = message.reference
    replied = ref.resolved or ref.cached_message if ref is not None else None
    return isinstance(replied, discord.Message) and replied.author.id == bot_id


def mentions_me(message: discord.Message, bot_id: int) -> bool:
    """Addressed to the bot in a server: its user mention (<@id>, <@!id>), its own role's mention, or
    a reply to one of its messages."""
    return (any(user.id == bot_id for user in message.mentions)
            or any(is_own_role(role, bot_id) for role in message.role_mentions)
            or replies_to_me(message, bot_id))
