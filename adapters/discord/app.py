"""`lorebot run discord`: a discord.py Client with an app_commands CommandTree, connected to the
gateway. At start it syncs the slash commands (to LOREBOT_DISCORD_GUILDS, instantly, or globally),
and registers the feedback buttons; reconnects and resumes are discord.py's own.

DISCORD_API_URL (the REST base with its version, like https://discord.com/api/v10) and
DISCORD_GATEWAY_URL point discord.py elsewhere: a proxy, or the fake Discord of the tests.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.chat.followups import Followups
from adapters.discord.commands import SlashCommands, add_commands
from adapters.discord.feedback import FeedbackButton
from adapters.discord.followups import DiscordPoster
from adapters.discord.handoff import BUTTONS
from adapters.discord.inflight import Inflight
from adapters.discord.mentions import Mentions
from adapters.discord.support import Support
from adapters.settings import AppSettings
from bot.core import Lorebot
from bot.settings import SettingsError

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 20.0  # seconds the answers in progress get to finish on shutdown


def use_endpoints(settings: AppSettings) -> None:
    """discord.py reads its endpoints from class attributes, for the whole process."""
    if settings.discord_api_url:
        Route.BASE = settings.discord_api_url.rstrip("/")
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def guild_ids(settings: AppSettings) -> list[int]:
    return [int(g) for g in settings.discord_guilds.split(",") if g.strip()]


class LorebotClient(discord.Client):
    def __init__(self, bot: Lorebot, **options: Any):
        # Default intents, without the privileged message content unless configured: mentions and DMs
        # carry their text anyway; auto mode and thread context need everyone's.
        intents = discord.Intents.default()
        intents.message_content = bot.settings.discord_message_content
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none(), **options)
        use_endpoints(bot.settings)
        self.lorebot = bot
        self.inflight = Inflight()
        self.tree = app_commands.CommandTree(self)
        add_commands(self.tree, SlashCommands(bot, self.inflight))
        self.support = Support(bot, self)
        self.mentions = Mentions(bot, self.inflight, self.support)
        self.followups: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        self.add_dynamic_items(FeedbackButton, *BUTTONS)
        await self.sync_commands()
        self.support.start()  # questions waiting for people first, this process's share of them
        # Re-answers after a sync and weekly gap digests (adapters/chat/followups.py).
        self.followups = asyncio.create_task(
            Followups(self.lorebot, DiscordPoster(self), self.lorebot.settings.digest_check_seconds).run())

    async def sync_commands(self) -> None:
        """Per guild (instant) when guilds are configured, else globally. A failure is logged, not fatal:
        the commands synced before still work, and so do mentions."""
        guilds = guild_ids(self.lorebot.settings)
        for guild in [discord.Object(g) for g in guilds] or [None]:
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException as exc:
                log.error("Discord: could not sync the slash commands to %s (%s %s); was the bot invited with "
                          "the applications.commands scope?", f"guild {guild.id}" if guild else "all guilds",
                          exc.status, exc.text)
                continue
            log.info("Discord: %d slash commands synced to %s", len(synced),
                     f"guild {guild.id}" if guild else "all guilds (may take up to an hour to appear)")

    async def on_ready(self) -> None:
        log.info("Discord: connected as %s (id %s)", self.user, self.user.id if self.user else "?")

    async def on_message(self, message: discord.Message) -> None:
        if self.user is not None and not await self.support.seen(message, self.user.id):
            await self.mentions.handle(message, self.user.id)

    async def close(self) -> None:
        if self.followups is not None:
            self.followups.cancel()
            await asyncio.gather(self.followups, return_exceptions=True)
        await self.support.stop(SHUTDOWN_GRACE)
        await super().close()


async def serve(settings: AppSettings) -> None:
    """Run until cancelled; on the way out, let the answers in progress finish, then disconnect."""
    if settings.discord_token is None:
        raise SettingsError("invalid setting DISCORD_TOKEN: the Discord bot needs its bot token")
    bot = await Lorebot.open(settings)
    try:
        client = LorebotClient(bot)
        async with client:
            try:
                await client.start(settings.discord_token.get_secret_value())
            except discord.LoginFailure:
                raise SettingsError("invalid setting DISCORD_TOKEN: Discord refused it") from None
            finally:
                await client.inflight.drain(SHUTDOWN_GRACE)
    finally:
        await bot.close()
