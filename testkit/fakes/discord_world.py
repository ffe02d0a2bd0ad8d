"""What the fake Discord holds: one application and its bot user, a member (`user`) and a colleague, a
guild with a text channel, a thread in it, a forum channel and an admin role, and a DM with the
member; and the gateway events and API objects they make (READY, GUILD_CREATE, slash commands and
their autocomplete, button clicks, mentions, plain messages, forum posts, DMs)."""

from __future__ import annotations

from typing import Any

from testkit.fakes import discord_payloads as p


class DiscordWorld:
    def __init__(self) -> None:
        self.app_id = p.snowflake()
        self.bot_user = p.user(self.app_id, "Lorebot", bot=True)
        self.user = p.user(p.snowflake(), "ada")
        self.colleague = p.user(p.snowflake(), "grace")
        self.guild_id = p.snowflake()
        self.admin_role = p.role(p.snowflake(), "Lore keepers")
        self.lorebot_role = p.bot_role(p.snowflake(), self.app_id, "Lorebot")
        self.channel = p.text_channel(p.snowflake(), self.guild_id)
        self.thread = p.thread(p.snowflake(), self.guild_id, self.channel["id"])
        self.forum = {**p.text_channel(p.snowflake(), self.guild_id, name="help"), "type": p.FORUM,
                      "available_tags": [], "default_reaction_emoji": None, "default_sort_order": None,
                      "default_forum_layout": 0, "default_thread_rate_limit_per_user": 0}
        self.dm = p.dm_channel(p.snowflake(), self.user)

    def ready(self) -> dict[str, Any]:
        """READY's data, less the session fields the gateway adds."""
        return {"v": 10, "user": self.bot_user, "guilds": [{"id": self.guild_id, "unavailable": True}],
                "application": {"id": self.app_id, "flags": 0}, "private_channels": [], "relationships": [],
                "presences": [], "shard": [0, 1]}

    def guild_create(self) -> dict[str, Any]:
        return p.guild(self.guild_id, channels=[self.channel, self.forum], threads=[self.thread],
                       roles=[self.admin_role, self.lorebot_role],
                       owner_id=p.snowflake())

    def application(self) -> dict[str, Any]:
        return {"id": self.app_id, "name": "Lorebot", "description": "", "icon": None, "bot_public": True,
                "bot_require_code_grant": False, "owner": self.user, "team": None, "verify_key": "0" * 64,
                "flags": 0, "bot": self.bot_user, "interactions_endpoint_url": None}

    def synced_command(self, name: str, guild_id: str | None) -> dict[str, Any] | None:
        """The definition of command `name` usable there, as the bot synced it (None: not known)."""
        return None

    def slash(self, name: str, *, where: dict[str, Any] | None = None, permissions: int = p.MEMBER_PERMISSIONS,
              roles: tuple[str, ...] = (), **options: Any) -> dict[str, Any]:
        """A slash command interaction from `user` in `where` (default: the text channel). Once the
        command is synced, its options are typed by its definition, and what Discord's client would not
        send is refused (testkit.fakes.discord_options.OptionRefused); a user or role option takes
        the API object (`colleague`, `admin_role`)."""
        where = where or self.channel
        guild_id = None if where["type"] == p.DM else self.guild_id
        data = p.slash_data(name, options, guild_id, self.synced_command(name, guild_id))
        return p.interaction(p.CHAT_INPUT, data, app_id=self.app_id, channel=where,
                             who=self.user, guild_id=guild_id, permissions=permissions, roles=roles)

    def autocomplete(self, name: str, option: str, typed: str, *, permissions: int = p.MEMBER_PERMISSIONS,
                     roles: tuple[str, ...] = ()) -> dict[str, Any]:
        """`user` typing `typed` into the `option` of command `name` in the text channel."""
        return p.interaction(p.AUTOCOMPLETE, p.autocomplete_data(name, option, typed, self.guild_id),
                             app_id=self.app_id, channel=self.channel, who=self.user, guild_id=self.guild_id,
                             permissions=permissions, roles=roles)

    def channel_of(self, channel_id: str) -> dict[str, Any]:
        """The channel (or thread) object with this id (the text channel when not known)."""
        known = (self.channel, self.thread, self.forum, self.dm)
        return next((c for c in known if c["id"] == channel_id), self.channel)

    def click(self, custom_id: str, message: dict[str, Any], who: dict[str, Any] | None = None) -> dict[str, Any]:
        """A button press on `message` (as the fake holds it), where it is, by `who` (default: `user`)."""
        in_dm = message["channel_id"] == self.dm["id"]
        return p.interaction(p.COMPONENT, p.button_data(custom_id), app_id=self.app_id,
                             channel=self.channel_of(message["channel_id"]), who=who or self.user,
                             guild_id=None if in_dm else self.guild_id, message=message)

    def mention(self, text: str, where: dict[str, Any] | None = None) -> dict[str, Any]:
        """A message in which `user` writes "<@bot> text" in `where` (default: the text channel)."""
        where = where or self.channel
        return p.message(p.snowflake(), where["id"], self.user, f"<@{self.app_id}> {text}",
                         guild_id=self.guild_id, member=p.member(self.user), mentions=[self.bot_user])

    def says(self, text: str, where: dict[str, Any] | None = None, who: dict[str, Any] | None = None,
             **extra: Any) -> dict[str, Any]:
        """A plain message (no mention) by `who` (default: `user`) in `where` (default: the text channel)."""
        where, who = where or self.channel, who or self.user
        return p.message(p.snowflake(), where["id"], who, text, guild_id=self.guild_id, member=p.member(who), **extra)

    def forum_post(self, title: str, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """A new post in the forum by `user`: THREAD_CREATE's thread and its first message (same id)."""
        post_id = p.snowflake()
        thread = {**p.thread(post_id, self.guild_id, self.forum["id"], name=title), "owner_id": self.user["id"],
                  "newly_created": True, "applied_tags": [], "member_count": 1, "message_count": 0}
        first = p.message(post_id, post_id, self.user, text, guild_id=self.guild_id, member=p.member(self.user),
                          position=0)
        return thread, first

    def direct_message(self, text: str) -> dict[str, Any]:
        return p.message(p.snowflake(), self.dm["id"], self.user, text)

    def nickname_mention(self, text: str) -> dict[str, Any]:
        """"<@!bot> text": the older nickname form of a user mention."""
        return p.message(p.snowflake(), self.channel["id"], self.user, f"<@!{self.app_id}> {text}",
                         guild_id=self.guild_id, member=p.member(self.user), mentions=[self.bot_user])

    def role_mention(self, text: str) -> dict[str, Any]:
        """"<@&role> text", the role Discord manages for the bot (what its name autocompletes to when
        a server gave the bot's role the same name)."""
        return p.message(p.snowflake(), self.channel["id"], self.user, f"<@&{self.lorebot_role['id']}> {text}",
                         guild_id=self.guild_id, member=p.member(self.user), mention_roles=[self.lorebot_role["id"]])

    def reply_to(self, replied: dict[str, Any], text: str, *, ping: bool = False,
                 who: dict[str, Any] | None = None) -> dict[str, Any]:
        """`who` (default: `user`) replying to `replied` (a message as the fake holds it) in its channel."""
        who = who or self.user
        return p.reply(p.snowflake(), replied, who, text, ping=ping, guild_id=self.guild_id, member=p.member(who))

    def seen_by_bot(self, message: dict[str, Any], intents: int) -> dict[str, Any]:
        """`message` as the gateway sends it to the bot: without the message-content intent, Discord
        empties content, embeds, attachments and components, except in DMs, in the bot's own messages
        and in messages that mention the bot's user."""
        if intents & p.MESSAGE_CONTENT or message["channel_id"] == self.dm["id"] \
                or message["author"]["id"] == self.app_id \
                or any(u["id"] == self.app_id for u in message.get("mentions", [])):
            return message
        return {**message, "content": "", "embeds": [], "attachments": [], "components": []}
