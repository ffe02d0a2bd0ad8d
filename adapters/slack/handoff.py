"""Handing a question to people on Slack: the "Ask a person" button under answers, the hand-off post
in the thread (mentioning the channel's target: a user group `<!subteam^S…>` or a user `<@U…>`, with
the question's one-line summary and a "Resolved" button), hand-offs when Lorebot abstains where a
target is set, and the "Share in channel" button of private answers. The platform-neutral part is
adapters.chat.handoff."""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from adapters.chat import handoff
from adapters.chat.handoff import Threads
from adapters.chat.texts import FEEDBACK_FAILED
from adapters.slack.mrkdwn import escape
from adapters.slack.render import ASK_PERSON, SlackMessage, context, notice_message, render_answer, section
from adapters.slack.replies import Replies
from bot.answering.answer_log import LoggedAnswer, Outcome
from bot.channels import ChannelStore
from bot.types import Answer, AnswerMode, Citation
from ingest.source_checks import Platform

log = logging.getLogger(__name__)

RESOLVED = "lorebot_resolved"
SHARE = "lorebot_share"
SHARED = "Shared in the channel."
SHARED_ALREADY = "This answer was shared already."


def mention(target: str) -> str:
    """The mrkdwn that pings a stored target (adapters' ingest.channel_checks form)."""
    return f"<!subteam^{target}>" if target.startswith("S") else f"<@{target}>"


def _button(action_id: str, label: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(action_id=action_id, value=value, style=style, text=PlainTextObject(text=label, emoji=True))


def handoff_message(target: str, logged: LoggedAnswer, presser: str = "") -> SlackMessage:
    """The hand-off post: the target pinged (or, without one, who asked for a person), the question."""
    asker = f"<@{logged.user}>" if logged.user else "Someone"
    what = handoff.summary(logged.question)
    text = (handoff.HANDOFF.format(target=mention(target), asker=asker, summary=escape(what)) if target else
            handoff.HANDOFF_NO_TARGET.format(presser=f"<@{presser}>" if presser else "Someone", asker=asker,
                                             summary=escape(what)))
    return SlackMessage(text, [section(text), ActionsBlock(block_id="lorebot_handoff", elements=[
        _button(RESOLVED, "✅ Resolved", logged.id, "primary")])])


def share_block(answer_id: str) -> Block:
    return ActionsBlock(block_id="lorebot_share", elements=[_button(SHARE, "📣 Share in channel", answer_id)])


def logged_answer(logged: LoggedAnswer) -> Answer:
    """A logged answer as the core gave it (to show it again)."""
    citations = tuple(Citation(**{k: v for k, v in c.items() if k in Citation.__slots__})  # type: ignore[arg-type]
                      for c in logged.citations)
    return Answer(logged.answer, citations, AnswerMode(logged.mode or AnswerMode.EXTRACTIVE), id=logged.id)


class HandOffs:
    def __init__(self, replies: Replies, threads: Threads):
        self.replies = replies
        self.bot = replies.bot
        self.threads = threads
        self.channels = ChannelStore(self.bot.redis, self.bot.settings.key_prefix)

    def register(self, app: AsyncApp) -> None:
        app.action(ASK_PERSON)(self.on_button)
        app.action(RESOLVED)(self.on_button)
        app.action(SHARE)(self.on_button)

    async def hand_off(self, answer_id: str, channel: str, thread_ts: str | None, presser: str = "",
                       abstained: bool = False) -> str:
        """Post the hand-off once per answer; what to tell the presser. `abstained`: Lorebot hands off
        on its own, and only where a target is set."""
        logged = await self.bot.answers.get(answer_id)
        if logged is None:
            return handoff.EXPIRED
        target = (await self.channels.get(logged.scope)).escalate
        if abstained and not target:
            return ""
        if not await self.threads.claim_handoff(answer_id):
            return handoff.ALREADY
        await self.replies.post(channel, thread_ts, [handoff_message(target, logged, presser)])
        await self.bot.answers.mark(answer_id, Outcome.ESCALATED)
        if thread_ts:  # a person's reply there now resolves this question
            await self.threads.remember(Platform.SLACK, channel, thread_ts, answer_id, logged.user, first=False)
        return ""

    async def on_button(self, ack, body: dict[str, Any], action: dict[str, Any], respond) -> None:
        await ack()
        self.replies.spawn(self.pressed(body, action, respond))

    async def pressed(self, body: dict[str, Any], action: dict[str, Any], respond) -> None:
        user = (body.get("user") or {}).get("id", "")
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        message = body.get("message") or {}
        answer_id = str(action.get("value", ""))
        try:
            if action.get("action_id") == SHARE:
                await self.share(answer_id, channel, user, respond)
                return
            if action.get("action_id") == RESOLVED:
                text = await self.resolve(answer_id, channel, message, user)
            else:
                text = await self.hand_off(answer_id, channel, message.get("thread_ts") or message.get("ts"), user)
        except RedisError as exc:
            log.warning("redis unavailable for a Slack button: %s", type(exc).__name__)
            text = FEEDBACK_FAILED
        if text:
            await self.replies.client.chat_postEphemeral(channel=channel, user=user,
                                                         thread_ts=message.get("thread_ts") or None,
                                                         **notice_message(text).kwargs())

    async def resolve(self, answer_id: str, channel: str, message: dict[str, Any], user: str) -> str:
        if not await self.bot.answers.mark(answer_id, Outcome.RESOLVED):
            return handoff.EXPIRED
        kept = [b for b in Block.parse_all(message.get("blocks") or []) if not isinstance(b, ActionsBlock)]
        shown = SlackMessage(message.get("text", ""), [*kept, context(f"✅ Resolved by <@{user}>")])
        await self.replies.client.chat_update(channel=channel, ts=message.get("ts"), **shown.kwargs())
        return ""

    async def share(self, answer_id: str, channel: str, user: str, respond) -> None:
        """Post a private answer for the channel to see, once."""
        logged = await self.bot.answers.get(answer_id)
        if logged is None:
            await respond(replace_original=False, response_type="ephemeral", **notice_message(handoff.EXPIRED).kwargs())
            return
        if not await self.threads.claim_share(answer_id):
            await respond(replace_original=False, response_type="ephemeral", **notice_message(SHARED_ALREADY).kwargs())
            return
        header = f"<@{user}> shared an answer to: " + escape(handoff.summary(logged.question))
        await self.replies.post(channel, None, render_answer(logged_answer(logged), header))
        await respond(replace_original=True, response_type="ephemeral", **notice_message(SHARED).kwargs())
