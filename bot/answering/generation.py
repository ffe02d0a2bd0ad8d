"""Generating the answer with any OpenAI-compatible chat endpoint, streamed.

The openai client retries 429/5xx/timeouts with exponential backoff (bounded by LOREBOT_MODEL_RETRIES)
and the whole call is cut at the answer's deadline (LOREBOT_ANSWER_DEADLINE from the question's
arrival); then ModelUnavailable tells the core to fall back to quoting passages, with a note saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import openai
from openai import AsyncOpenAI

from bot.settings import Settings

log = logging.getLogger(__name__)
OnText = Callable[[str], Awaitable[None]]


class ModelUnavailable(RuntimeError):
    """The model endpoint failed after retries; the message is safe to show to users."""


class Generator:
    def __init__(self, settings: Settings):
        self.model = settings.chat_model
        self.deadline = settings.answer_deadline
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.client = AsyncOpenAI(
            api_key=key, base_url=settings.openai_base_url, timeout=settings.model_timeout,
            max_retries=settings.model_retries,
        )

    async def close(self) -> None:
        await self.client.close()

    async def generate(self, messages: list[dict[str, str]], on_text: OnText | None = None,
                       deadline: float | None = None) -> str:
        """The full answer text; `on_text` gets the text so far as it streams. `deadline` (event loop
        time) cuts the call; by default it gets LOREBOT_ANSWER_DEADLINE from now."""
        when = deadline if deadline is not None else asyncio.get_running_loop().time() + self.deadline
        try:
            async with asyncio.timeout_at(when):
                return await self._stream(messages, on_text)
        except TimeoutError:
            raise ModelUnavailable(f"the language model did not answer within {self.deadline:.0f} s") from None
        except openai.OpenAIError as exc:
            raise unavailable(exc, "language model") from None

    async def _stream(self, messages: list[dict[str, str]], on_text: OnText | None) -> str:
        stream = await self.client.chat.completions.create(
            model=self.model, messages=messages, stream=True, temperature=0.1,  # type: ignore[arg-type]
        )
        parts: list[str] = []
        async for chunk in stream:  # type: ignore[union-attr]  # stream=True: an AsyncStream
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta.content
            if delta:
                parts.append(delta)
                if on_text is not None:
                    await on_text("".join(parts))
        return "".join(parts).strip()


def unavailable(exc: openai.OpenAIError, what: str) -> ModelUnavailable:
    """A failure of the `what` endpoint (after the client's retries) as a message safe to show: the
    status or the kind of failure, never the request, its headers or its key."""
    if isinstance(exc, openai.APIStatusError):
        log.warning("%s endpoint error: HTTP %s", what, exc.status_code)
        if isinstance(exc, openai.RateLimitError):
            return ModelUnavailable(f"the {what} endpoint is rate-limited (HTTP 429) right now")
        return ModelUnavailable(f"the {what} endpoint answered HTTP {exc.status_code}")
    log.warning("%s endpoint failed: %s", what, type(exc).__name__)
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError too
        return ModelUnavailable(f"the {what} endpoint cannot be reached")
    return ModelUnavailable(f"the {what} endpoint failed ({type(exc).__name__})")
