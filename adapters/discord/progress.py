"""Showing an answer as it is written: the first text goes out as soon as it streams in, the message
is then edited at most once per interval (LOREBOT_DISCORD_EDIT_SECONDS; discord.py also waits out
any 429 Discord sends), and the final Answer replaces it: more messages when it outgrows 2,000
characters, the citations embed and feedback buttons on the last one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord

from adapters.discord.feedback import feedback_view
from adapters.discord.render import citations_embed, split_message
from bot.types import Answer

log = logging.getLogger(__name__)

CURSOR = " ▌"  # marks an answer still being written

# Posts a new message: send(content=..., [embed=...], [view=...]) -> the message (editable, deletable).
Send = Callable[..., Awaitable[discord.Message | discord.WebhookMessage]]


class LiveReply:
    def __init__(self, send: Send, interval: float):
        self._send = send
        self.interval = interval
        self._messages: list[discord.Message | discord.WebhookMessage] = []
        self._shown: list[str] = []
        self._latest = ""
        self._changed = asyncio.Event()
        self._finishing = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._shown_at = -math.inf

    async def update(self, text: str) -> None:
        """The core's on_text callback: records the text and returns at once; a background task shows it."""
        self._latest = text
        self._changed.set()
        if self._pump is None:
            self._pump = asyncio.create_task(self._show_latest())

    async def _show_latest(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._changed.wait()
            delay = self._shown_at + self.interval - loop.time()
            if delay > 0 and not self._finishing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._finishing.wait(), delay)
            if self._finishing.is_set():
                return
            self._changed.clear()
            self._shown_at = loop.time()
            try:
                await self._show(split_message(self._latest + CURSOR))
            except (discord.HTTPException, aiohttp.ClientError) as exc:  # the final answer follows anyway
                log.info("streaming edit skipped: %s", getattr(exc, "status", type(exc).__name__))

    async def finish(self, answer: Answer, view: discord.ui.View | None = None) -> None:
        """Show the final answer (waiting for an edit in flight, so it cannot land after this), with
        `view` as its buttons (default: the feedback buttons)."""
        self._finishing.set()
        self._changed.set()
        if self._pump is not None:
            await self._pump
        await self._show(split_message(answer.text), final={
            "embed": citations_embed(answer), "view": view or feedback_view(answer)})

    async def _show(self, parts: list[str], final: dict[str, Any] | None = None) -> None:
        for i, part in enumerate(parts):
            extra = {k: v for k, v in (final or {}).items() if v is not None} if i == len(parts) - 1 else {}
            if i == len(self._messages):
                self._messages.append(await self._send(content=part, **extra))
                self._shown.append(part)
            elif part != self._shown[i] or extra:
                await self._messages[i].edit(content=part, **extra)
                self._shown[i] = part
        while len(self._messages) > len(parts):  # the final text is shorter than the preview was
            await self._messages.pop().delete()
            self._shown.pop()
