"""Generating the answer with any OpenAI-compatible chat endpoint, streamed.

The openai client retries 429/5xx/timeouts with exponential backoff (bounded by LOREBOT_MODEL_RETRIES)
and the whole call is cut at LOREBOT_ANSWER_DEADLINE; then ModelUnavailable tells the core to fall
back to quoting passages, with a note saying why.
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

    async def generate(self, messages: list[dict[str, str]], on_text: OnText | None = None) -> str:
        """The full answer text; `on_text` gets the text so far as it streams."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self._stream(messages, on_text)
        except TimeoutError:
            raise ModelUnavailable(f"the language model did not answer within {self.deadline:.0f} s") from None
        except openai.RateLimitError:
            raise ModelUnavailable("the language model endpoint is rate-limited (HTTP 429) right now") from None
        except openai.APIStatusError as exc:
            log.warning("model endpoint error: HTTP %s", exc.status_code)
            raise ModelUnavailable(f"the language model endpoint answered HTTP {exc.status_code}") from None
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            log.warning("model endpoint unreachable: %s", type(exc).__name__)
            raise ModelUnavailable("the language model endpoint cannot be reached") from None

    async def _stream(self, messages: list[dict[str, str]], on_text: OnText | None) -> str:
        stream = await self.client.chat.completions.create(
            model=self.model, messages=messages, stream=True, temperature=0.1,  # type: ignore[arg-type]
        )
        parts: list[str] = []
        async for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta.content
            if delta:
                parts.append(delta)
                if on_text is not None:
                    await on_text("".join(parts))
        return "".join(parts).strip()
