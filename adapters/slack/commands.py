"""The slash command (`/lore`, or LOREBOT_SLACK_COMMAND): acked at once, then mapped to
adapters.chat.commands.run_command. `ask` answers in the channel for all to see (placeholder, progress,
feedback buttons) with the channel's memory; the other commands answer the caller alone (ephemeral,
through the command's response URL). Admins are the configured LOREBOT_SLACK_ADMINS and the
workspace's admins and owners (users.info)."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError

from adapters.chat.commands import ASKS_WHO_IS_ADMIN, BY_NAME, run_command, split_private
from adapters.chat.texts import FAILED, with_link_hint
from adapters.slack.handoff import share_block
from adapters.slack.mrkdwn import escape, truncate
from adapters.slack.render import MAX_BLOCKS, SlackMessage, notice_message, render_answer
from adapters.slack.replies import Replies
from adapters.slack.support import Support
from bot.types import Question
from ingest.source_checks import Platform

log = logging.getLogger(__name__)

NOT_IN_CHANNEL = ("I'm not a member of this channel, so I can't post the answer here. "
                  "Invite me with `/invite`, or ask me in a DM.")
HEADER_CHARS = 500


def admin_ids(setting: str) -> set[str]:
    return {u.strip() for u in setting.split(",") if u.strip()}


class SlashCommand:
    def __init__(self, replies: Replies, support: Support):
        self.replies = replies
        self.support = support
        self.bot = replies.bot
        self.settings = replies.bot.settings

    def register(self, app: AsyncApp) -> None:
        app.command(self.settings.slack_command)(self.on_command)

    async def on_command(self, ack, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()  # within Slack's 3 seconds, before any work
        self.replies.spawn(self.run(command, respond))

    async def run(self, command: dict[str, Any], respond: AsyncRespond) -> None:
        words = (command.get("text") or "").split(None, 1)
        name, args = (words[0].lower() if words else "help"), (words[1].strip() if len(words) > 1 else "")
        channel, user = command.get("channel_id", ""), command.get("user_id", "")
        q = Question(platform=Platform.SLACK, channel=channel, text="", user=user, is_dm=channel.startswith("D"))
        try:
            if name == "ask" and args:
                q = dataclasses.replace(q, external=await self.support.conversations.is_external(channel))
                private, question = split_private(args)
                if private and question:
                    await self.ask_privately(q, args, respond)
                else:
                    await self.ask(q, args, respond)
                return
            # An unknown name is checked too, as before: only ask and help answer everyone alike.
            is_admin = (name in ASKS_WHO_IS_ADMIN or name not in BY_NAME) and await self.is_admin(user)
            answer = with_link_hint(await run_command(self.bot, q, name, args, is_admin),
                                    f"`{self.settings.slack_command} link SOURCE`")
            messages = render_answer(answer, feedback=False)
        except Exception:
            log.exception("the %s command %r failed", self.settings.slack_command, name)
            messages = [notice_message(FAILED)]
        await self.tell(respond, messages)

    async def ask_privately(self, q: Question, args: str, respond: AsyncRespond) -> None:
        """`ask private …`: the answer to the asker alone (no placeholder: it comes whole), with a
        button to share it in the channel."""
        answer = with_link_hint(await run_command(self.bot, q, "ask", args, False),
                                f"`{self.settings.slack_command} link SOURCE`")
        messages = render_answer(answer)
        if answer.id and answer.answered and answer.mode != "notice":
            if len(messages[-1].blocks) >= MAX_BLOCKS:
                messages.append(SlackMessage("(continued)", []))
            messages[-1].blocks.append(share_block(answer.id))
        await self.tell(respond, messages)

    async def ask(self, q: Question, question: str, respond: AsyncRespond) -> None:
        header = f"<@{q.user}> asked: " + truncate(escape(" ".join(question.split())), HEADER_CHARS)
        try:
            answer = await self.replies.answer(
                lambda on_text: run_command(self.bot, q, "ask", question, False, on_text), q.channel, None, header)
            if answer is not None:  # an abstention is handed to the channel's target, where one is set
                await self.support.answered_in_channel(q, answer)
        except SlackApiError as exc:
            if exc.response.get("error") not in ("not_in_channel", "channel_not_found"):
                raise
            await self.tell(respond, [notice_message(NOT_IN_CHANNEL)])

    async def tell(self, respond: AsyncRespond, messages: list[SlackMessage]) -> None:
        """Only the caller sees these."""
        for message in messages:
            response = await respond(response_type="ephemeral", **message.kwargs())
            if response.status_code != 200:
                log.warning("Slack refused a command response: HTTP %s %s", response.status_code, response.body)

    async def is_admin(self, user: str) -> bool:
        if user in admin_ids(self.settings.slack_admins):
            return True
        try:
            info = await self.replies.client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info failed (%s): treating %s as a non-admin", exc.response.get("error"), user)
            return False
        person = info.get("user") or {}
        return bool(person.get("is_admin") or person.get("is_owner") or person.get("is_primary_owner"))
