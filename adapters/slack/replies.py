"""The work after the ack: answering in a thread with a placeholder that shows progress, then the
rendered answer; failures become a short message there (details go to the log). Each reply runs as a
task of this process, so a shutdown can let the answers in progress finish."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.progress import EditBudget, Progress
from adapters.slack.render import SlackMessage, notice_message, render_answer
from bot.core import Lorebot, OnText
from bot.types import Answer

log = logging.getLogger(__name__)

FAILED = "Sorry, something went wrong while answering. The details are in Lorebot's log."
Ask = Callable[[OnText], Awaitable[Answer]]


class Replies:
    def __init__(self, bot: Lorebot, client: AsyncWebClient, edit_client: AsyncWebClient):
        self.bot = bot
        self.client = client
        self.edit_client = edit_client
        self.budget = EditBudget()
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except SlackApiError as exc:  # nowhere left to say it: the log must
            log.warning("Slack refused a reply: %s", exc.response.get("error"))
        except Exception:
            log.exception("a Slack reply failed")

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the replies in progress."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def answer(self, ask: Ask, channel: str, thread_ts: str | None, header: str = "") -> Answer | None:
        """Post a placeholder in the thread at once, stream into it, end with the answer. Raises
        SlackApiError when the placeholder cannot be posted (the bot is not in the channel)."""
        progress = Progress(self.client, self.edit_client, self.budget, channel, thread_ts, header)
        await progress.start()
        answer: Answer | None = None
        try:
            answer = await ask(progress.text)
            messages = render_answer(answer, header)
        except Exception:
            log.exception("answering in %s failed", channel)
            messages = [notice_message(FAILED, header)]
        await progress.finish(messages)
        return answer

    async def post(self, channel: str, thread_ts: str | None, messages: list[SlackMessage]) -> None:
        for message in messages:
            await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.kwargs())
