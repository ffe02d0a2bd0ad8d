"""Slack's part of the follow-ups (adapters/chat/followups.py): a re-answer goes into the question's
thread, mentioning the asker, without feedback buttons (it is not logged as a new answer); a digest
goes to the channel as Block Kit, split within Slack's limits like any answer."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.mrkdwn import escape
from adapters.slack.progress import post
from adapters.slack.render import render_answer
from bot.insights.reanswer import Reanswer
from bot.types import Answer
from ingest.source_checks import Platform


class SlackPoster:
    platform = Platform.SLACK.value

    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def post_reanswer(self, item: Reanswer, header: str) -> None:
        """Raises SlackApiError when Slack refuses the post."""
        who = f"<@{item.asked.user}> " if item.asked.user.startswith(("U", "W")) else ""
        messages = render_answer(item.answer, header=who + escape(header), feedback=False)
        await post(self.client, item.question.channel, item.question.thread, messages)

    async def post_digest(self, channel: str, markdown: str) -> None:
        await post(self.client, channel, None, render_answer(Answer.not_answered(markdown), feedback=False))
