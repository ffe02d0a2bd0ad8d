"""The work after the ack: answering in a thread, streamed (adapters.slack.streaming) or with a
placeholder that shows progress, then the rendered answer; failures become a short message there
(details go to the log). Each reply runs as a task of this process, so a shutdown can let the
answers in progress finish."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.chat.texts import FAILED, with_link_hint
from adapters.slack.progress import EditBudget, Progress, post
from adapters.slack.render import SlackMessage, notice_message, render_answer
from adapters.slack.streaming import APPENDS_PER_MINUTE, Recipient, StreamedAnswer, StreamSwitch
from bot.core import Lorebot, OnText
from bot.types import Answer

log = logging.getLogger(__name__)

Ask = Callable[[OnText], Awaitable[Answer]]


class Replies:
    def __init__(self, bot: Lorebot, client: AsyncWebClient, edit_client: AsyncWebClient):
        self.bot = bot
        self.client = client
        self.edit_client = edit_client
        self.budget = EditBudget()
        self.append_budget = EditBudget(per_minute=APPENDS_PER_MINUTE)
        self.streaming = StreamSwitch(bot.settings.slack_streaming)
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

    async def answer(self, ask: Ask, channel: str, thread_ts: str | None, header: str = "",
                     recipient: Recipient | None = None) -> Answer | None:
        """Stream the answer into the thread when it is for a `recipient` and streaming is on here;
        else post a placeholder in the thread at once, show the answer coming in it, end with the
        answer. Raises SlackApiError when the bot cannot post there (it is not in the channel)."""
        def progress() -> Progress:
            return Progress(self.client, self.edit_client, self.budget, channel, thread_ts, header)

        if thread_ts and recipient and self.streaming.allows(channel):
            stream = StreamedAnswer(self.client, self.edit_client, self.append_budget, self.streaming, channel,
                                    thread_ts, recipient, progress)
            answer, messages = await self._ask(ask, stream.text, channel, header)
            await stream.finish(messages, answer)
        else:
            placeholder = progress()
            await placeholder.start()
            answer, messages = await self._ask(ask, placeholder.text, channel, header)
            await placeholder.finish(messages)
        return answer

    async def _ask(self, ask: Ask, on_text: OnText, channel: str,
                   header: str) -> tuple[Answer | None, list[SlackMessage]]:
        """The answer and its messages, or None and the failure to show instead."""
        try:
            answer = with_link_hint(await ask(on_text), f"`{self.bot.settings.slack_command} link SOURCE`")
            return answer, render_answer(answer, header)
        except Exception:
            log.exception("answering in %s failed", channel)
            return None, [notice_message(FAILED, header)]

    async def post(self, channel: str, thread_ts: str | None, messages: list[SlackMessage]) -> None:
        await post(self.client, channel, thread_ts, messages)
