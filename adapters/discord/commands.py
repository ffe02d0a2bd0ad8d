"""Slash commands: /ask, /sources, /link, /unlink, /sync, /status, /forget, /help, /mode and /escalate,
each handed to adapters.chat.commands.run_command.

Every interaction is claimed in Redis first (a redelivered one is answered once), deferred at once
(Discord's limit is 3 seconds), then answered by a followup that is edited as the answer streams.
Only /ask is answered in public (`private:true`: to the asker alone, with a button to share it);
the others answer the asker alone. /link, /unlink and /sync carry
default_member_permissions=Manage Server, so Discord hides them from other members, and who is an
admin is checked again when they run. Failures become a short message, never "This interaction failed".
Their source option autocompletes with the known source names (adapters.chat.suggestions).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Literal

import discord
from discord import app_commands
from redis.exceptions import RedisError

from adapters.chat.commands import BY_NAME, PRIVATE, TABLE, Arg, run_command
from adapters.chat.suggestions import suggest_sources
from adapters.chat.texts import CLAIM_SECONDS, FAILED, with_link_hint
from adapters.discord.context import is_external
from adapters.discord.feedback import feedback_view
from adapters.discord.handoff import ShareButton
from adapters.discord.inflight import Inflight
from adapters.discord.progress import LiveReply
from adapters.discord.questions import interaction_question, is_admin
from bot.core import Lorebot
from bot.store.claims import claim_once
from bot.types import MAX_QUESTION_CHARS, Answer, Reason

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limit for an autocomplete answer
LINK_HINT = "`/link`"  # how an admin links a source here, ending the core's "no source linked"
PUBLIC = {c.name for c in TABLE if c.public}
NEEDS_CONTENT = ("Note: to see the questions people post, Lorebot needs Discord's Message Content intent: "
                 "enable it for the bot in the Developer Portal and set LOREBOT_DISCORD_MESSAGE_CONTENT=true.")


class SlashCommands:
    def __init__(self, bot: Lorebot, inflight: Inflight):
        self.bot = bot
        self.inflight = inflight

    async def run(self, interaction: discord.Interaction, name: str, args: str = "", private: bool = False) -> None:
        with self.inflight.track():
            try:
                if not await claim_once(self.bot.redis, self.bot.settings.key_prefix,
                                        f"discord:interaction:{interaction.id}", CLAIM_SECONDS):
                    return  # delivered again (a resume, another process): the first delivery answers
            except RedisError as exc:  # answer anyway: run_command explains what needs Redis
                log.warning("redis unavailable to claim an interaction: %s", type(exc).__name__)
            ephemeral = name not in PUBLIC or private
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            send = functools.partial(interaction.followup.send, wait=True, ephemeral=ephemeral)
            live = LiveReply(send, self.bot.settings.discord_edit_seconds)
            question = dataclasses.replace(interaction_question(interaction),
                                           external=is_external(interaction.guild_id, self.bot.settings))
            try:
                answer = with_link_hint(await run_command(self.bot, question, name,
                                                          f"{PRIVATE} {args}" if private else args,
                                                          is_admin(interaction, self.bot.settings),
                                                          on_text=live.update), LINK_HINT)
                if name == "mode" and "auto" in args and not self.bot.settings.discord_message_content:
                    answer = dataclasses.replace(answer, text=f"{answer.text}\n{NEEDS_CONTENT}")
            except Exception:
                log.exception("/%s failed", name)
                answer = Answer.not_answered(FAILED, Reason.INTERNAL)
            await live.finish(answer, private_view(answer) if private else None)

    async def suggest_source(self, interaction: discord.Interaction, typed: str) -> list[app_commands.Choice[str]]:
        """Autocomplete of a source option (answered at once: no claim, no defer, no failure)."""
        names = await suggest_sources(self.bot, typed, is_admin(interaction, self.bot.settings), MAX_CHOICES)
        return [app_commands.Choice(name=name, value=name) for name in names]


def private_view(answer: Answer) -> discord.ui.View | None:
    """A private answer's buttons: share it in the channel, and the feedback ones."""
    view = feedback_view(answer)
    if view is not None:
        view.add_item(ShareButton(answer.id))
    return view


def add_commands(tree: app_commands.CommandTree, commands: SlashCommands) -> None:
    @tree.command(description=BY_NAME["ask"].description)
    @app_commands.describe(question="What you want to know", private="Show the answer to you alone")
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
                  private: bool = False) -> None:
        await commands.run(interaction, "ask", question, private=private)

    for command in TABLE:
        if command.arg == Arg.NONE:
            tree.add_command(_plain(commands, command.name, command.description))
        elif command.arg == Arg.SOURCE:
            tree.add_command(_with_source(commands, command.name, command.description))
        elif command.arg == Arg.MODE:
            tree.add_command(_mode(commands, command.name, command.description))
        elif command.arg == Arg.TARGET:
            tree.add_command(_escalate(commands, command.name, command.description))
    tree.error(on_command_error)


def _mode(commands: SlashCommands, name: str, description: str) -> app_commands.Command:
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(mode="mentions: when mentioned; auto: new questions too (none: show the settings)",
                           wait="Auto: answer only if no one replied within this, like 10m",
                           threshold="Abstain below this confidence (0 to 1)")
    async def callback(interaction: discord.Interaction, mode: Literal["mentions", "auto"] | None = None,
                       wait: app_commands.Range[str, 1, 16] | None = None,
                       threshold: app_commands.Range[float, 0.0, 1.0] | None = None) -> None:
        args = " ".join(part for part in (mode or "", f"wait={wait}" if wait and mode else "",
                                          f"threshold={threshold}" if threshold is not None and mode else "") if part)
        await commands.run(interaction, name, args)

    return app_commands.Command(name=name, description=description, callback=callback)


def _escalate(commands: SlashCommands, name: str, description: str) -> app_commands.Command:
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(target="The role or member to mention (none: show the target)",
                           off="Stop handing questions to anyone")
    async def callback(interaction: discord.Interaction,
                       target: discord.Role | discord.Member | discord.User | None = None, off: bool = False) -> None:
        if off:
            args = "off"
        elif isinstance(target, discord.Role):
            args = f"role:{target.id}"
        else:
            args = f"user:{target.id}" if target is not None else ""
        await commands.run(interaction, name, args)

    return app_commands.Command(name=name, description=description, callback=callback)


def _plain(commands: SlashCommands, name: str, description: str) -> app_commands.Command:
    async def callback(interaction: discord.Interaction) -> None:
        await commands.run(interaction, name)

    return app_commands.Command(name=name, description=description, callback=callback)


def _with_source(commands: SlashCommands, name: str, description: str) -> app_commands.Command:
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(source="The source's name (see /sources or /status)")
    @app_commands.autocomplete(source=commands.suggest_source)
    async def callback(interaction: discord.Interaction, source: app_commands.Range[str, 1, 64]) -> None:
        await commands.run(interaction, name, source)

    return app_commands.Command(name=name, description=description, callback=callback)


async def on_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    """What the user sees when a command cannot run: why, when it is their doing (ephemeral)."""
    name = interaction.command.name if interaction.command else "?"
    if isinstance(error, (app_commands.CheckFailure, app_commands.TransformerError)):
        text = str(error)
    else:
        log.error("/%s failed", name, exc_info=getattr(error, "original", error))
        text = FAILED
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not tell the user /%s failed: Discord answered %s", name, exc.status)
