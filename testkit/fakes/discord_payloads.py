"""Discord API objects as the real API sends them (users, members, channels, guilds, messages,
interactions), for the fake Discord server and the tests that dispatch events through it.

Shapes follow Discord's documentation; the `interaction` and `message` builders carry every field of
the docs' examples (../shared/data/discord-payloads; tests/adapters/discord/test_payloads.py checks).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from testkit.fakes.discord_options import typed_options

_ids = itertools.count(1_200_000_000_000_000_000)

TEXT, DM, PUBLIC_THREAD, FORUM = 0, 1, 11, 15  # channel types
DEFAULT, REPLY, THREAD_STARTER = 0, 19, 21  # message types
MESSAGE_CONTENT = 1 << 15  # the privileged gateway intent that shows every message's text
CHAT_INPUT, COMPONENT, AUTOCOMPLETE = 2, 3, 4  # interaction types
STRING, BUTTON = 3, 2  # option type, component type
MANAGE_GUILD = 1 << 5
# A member's usual channel permissions: view, send, read history, use application commands...
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31) | (1 << 38)


def snowflake() -> str:
    return str(next(_ids))


def now() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name, "avatar": None,
            "bot": bot, "public_flags": 0}


def member(who: dict[str, Any], *, roles: tuple[str, ...] = (), permissions: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"user": who, "roles": list(roles), "premium_since": None, "pending": False,
                            "nick": None, "mute": False, "deaf": False, "joined_at": "2024-01-01T00:00:00+00:00",
                            "is_pending": False, "avatar": None, "flags": 0}
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def text_channel(channel_id: str, guild_id: str, name: str = "general") -> dict[str, Any]:
    return {"id": channel_id, "type": TEXT, "guild_id": guild_id, "name": name, "position": 0,
            "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
            "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}


def thread(thread_id: str, guild_id: str, parent_id: str, name: str = "a thread") -> dict[str, Any]:
    return {"id": thread_id, "type": PUBLIC_THREAD, "guild_id": guild_id, "parent_id": parent_id, "name": name,
            "owner_id": snowflake(), "last_message_id": None, "rate_limit_per_user": 0, "message_count": 0,
            "member_count": 1, "flags": 0, "total_message_sent": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "locked": False,
                                "archive_timestamp": "2024-01-01T00:00:00+00:00"}}


def dm_channel(channel_id: str, recipient: dict[str, Any]) -> dict[str, Any]:
    return {"id": channel_id, "type": DM, "last_message_id": None, "recipients": [recipient], "flags": 0}


def role(role_id: str, name: str, permissions: int = 0, position: int = 1, **extra: Any) -> dict[str, Any]:
    return {"id": role_id, "name": name, "permissions": str(permissions), "position": position, "color": 0,
            "hoist": False, "managed": False, "mentionable": False, "icon": None, "unicode_emoji": None, "flags": 0,
            **extra}


def bot_role(role_id: str, bot_id: str, name: str) -> dict[str, Any]:
    """The role Discord creates and manages for a bot when it joins a server (tags.bot_id names it)."""
    return role(role_id, name, managed=True, tags={"bot_id": bot_id})


def guild(guild_id: str, *, channels: list[dict], threads: list[dict], roles: list[dict],
          owner_id: str) -> dict[str, Any]:
    everyone = role(guild_id, "@everyone", MEMBER_PERMISSIONS, position=0)
    return {"id": guild_id, "name": "Lorebot test guild", "icon": None, "splash": None, "discovery_splash": None,
            "owner_id": owner_id, "afk_channel_id": None, "afk_timeout": 300, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "roles": [everyone, *roles],
            "emojis": [], "stickers": [], "features": [], "mfa_level": 0, "application_id": None,
            "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None, "vanity_url_code": None,
            "description": None, "banner": None, "premium_tier": 0, "preferred_locale": "en-US",
            "public_updates_channel_id": None, "nsfw_level": 0, "premium_progress_bar_enabled": False,
            "joined_at": "2024-01-01T00:00:00+00:00", "large": False, "unavailable": False, "member_count": 2,
            "voice_states": [], "members": [], "channels": channels, "threads": threads, "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": []}


def message(message_id: str, channel_id: str, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
    """A message object; `extra` adds or overrides fields (guild_id, member, mentions, embeds, ...)."""
    data: dict[str, Any] = {"id": message_id, "channel_id": channel_id, "author": author, "content": content,
                            "timestamp": now(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
                            "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "reactions": [],
                            "pinned": False, "type": 0, "flags": 0, "components": []}
    data.update(extra)
    return data


def reply(message_id: str, replied: dict[str, Any], author: dict[str, Any], content: str, *, ping: bool,
          **extra: Any) -> dict[str, Any]:
    """A reply to `replied`: Discord sends the message replied to with it, and puts its author among
    the mentions only when the reply pings them (the @ON toggle)."""
    return message(message_id, replied["channel_id"], author, content, type=REPLY,
                   mentions=[replied["author"]] if ping else [],
                   message_reference={"type": 0, "message_id": replied["id"], "channel_id": replied["channel_id"],
                                      **({"guild_id": replied["guild_id"]} if "guild_id" in replied else {})},
                   referenced_message=replied, **extra)


def thread_starter(thread_id: str, opener: dict[str, Any]) -> dict[str, Any]:
    """The first message of a thread started from `opener` (a channel message): a THREAD_STARTER_MESSAGE,
    with no content of its own, pointing back at `opener` and carrying it as `referenced_message`
    (without guild_id and member, as Discord nests messages). Its author here is the opener's."""
    nested = {k: v for k, v in opener.items() if k not in ("guild_id", "member")}
    return message(snowflake(), thread_id, opener["author"], "", type=THREAD_STARTER, position=0,
                   message_reference={"type": 0, "message_id": opener["id"], "channel_id": opener["channel_id"],
                                      **({"guild_id": opener["guild_id"]} if "guild_id" in opener else {})},
                   referenced_message=nested)


def edited(original: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
    """MESSAGE_UPDATE's data for an edit of `original`: the whole message, new text, edited_timestamp."""
    return {**original, "content": content, "edited_timestamp": now(), **extra}


def interaction(kind: int, data: dict[str, Any], *, app_id: str, channel: dict[str, Any], who: dict[str, Any],
                guild_id: str | None, permissions: int = MEMBER_PERMISSIONS, roles: tuple[str, ...] = (),
                **extra: Any) -> dict[str, Any]:
    """An INTERACTION_CREATE object: from a guild member when `guild_id` is given, else from a DM."""
    payload: dict[str, Any] = {"id": snowflake(), "application_id": app_id, "type": kind, "data": data,
                               "token": "itok-" + snowflake(), "version": 1, "channel_id": channel["id"],
                               "channel": channel, "locale": "en-US", "app_permissions": str(MEMBER_PERMISSIONS),
                               "entitlements": [], "attachment_size_limit": 10_485_760,
                               "authorizing_integration_owners": {"0": guild_id} if guild_id else {"1": who["id"]},
                               "context": 0 if guild_id else 1}
    if guild_id:
        payload.update(guild_id=guild_id, guild_locale="en-US",
                       member=member(who, roles=roles, permissions=permissions))
    else:
        payload["user"] = who
    payload.update(extra)
    return payload


def slash_data(name: str, options: dict[str, Any], guild_id: str | None = None,
               definition: dict[str, Any] | None = None) -> dict[str, Any]:
    """A slash command's data. With the command's synced `definition`, the options are typed (and
    checked) as Discord's client sends them (testkit.fakes.discord_options); without, all strings."""
    if definition is not None:
        typed, resolved = typed_options(definition, options)
    else:
        typed, resolved = [{"type": STRING, "name": k, "value": v} for k, v in options.items()], {}
    data: dict[str, Any] = {"id": definition["id"] if definition else snowflake(), "name": name, "type": 1,
                            "options": typed}
    if resolved:
        data["resolved"] = resolved
    if guild_id:
        data["guild_id"] = guild_id
    return data


def autocomplete_data(name: str, option: str, typed: str, guild_id: str | None = None) -> dict[str, Any]:
    """A command's data while the user types `typed` into its `option` (the focused one)."""
    data = slash_data(name, {option: typed}, guild_id)
    data["version"] = snowflake()
    data["options"][0]["focused"] = True
    return data


def button_data(custom_id: str) -> dict[str, Any]:
    return {"custom_id": custom_id, "component_type": BUTTON}
