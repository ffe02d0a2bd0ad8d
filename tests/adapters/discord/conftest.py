"""Fixtures for the Discord adapter: the fake Discord (REST + gateway), and a started Lorebot whose
real discord.py client is connected to it, with the sample docs linked to the fake's text channel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.discord.app import LorebotClient
from adapters.discord.progress import CURSOR
from bot.core import Lorebot
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.fakes.discord_api import FakeDiscord
from testkit.fakes.discord_store import LOADING
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD
from tests.conftest import SAMPLES


@pytest.fixture
def discord_api():
    with FakeDiscord() as fake:
        yield fake


@dataclass
class Running:
    bot: Lorebot
    client: LorebotClient
    task: asyncio.Task[None]


def discord_env(fake: FakeDiscord, openai_url: str) -> dict[str, object]:
    """Settings for a Lorebot answering from the fake model, connected to the fake Discord."""
    return {"LOREBOT_EMBEDDINGS": "openai:fake-embed", "OPENAI_BASE_URL": openai_url,
            "LOREBOT_ABSTAIN_THRESHOLD": FAKE_ABSTAIN_THRESHOLD, "OPENAI_API_KEY": "sk-test-key",
            "LOREBOT_MODEL_RETRIES": 0, "DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url, "LOREBOT_DISCORD_GUILDS": fake.guild_id,
            "LOREBOT_DISCORD_EDIT_SECONDS": 0.2}


async def start_client(bot: Lorebot, fake: FakeDiscord) -> Running:
    """The bot's client, logged in, commands synced, READY received (guild_ready_timeout lowered: the
    fake sends every GUILD_CREATE at once, so waiting 2 s for more would only slow the tests)."""
    client = LorebotClient(bot, guild_ready_timeout=0.05)
    await client.__aenter__()
    task = asyncio.create_task(client.start(fake.token))
    await asyncio.wait_for(client.wait_until_ready(), 10)
    return Running(bot, client, task)


async def stop_client(running: Running) -> None:
    await running.client.close()
    await asyncio.wait_for(running.task, 10)


@pytest.fixture
async def start_discord(make_settings, fake_openai, discord_api) -> AsyncIterator[Callable[..., Awaitable[Running]]]:
    """start_discord(**ENV) -> Running: Lorebot with the sample docs linked to the fake's text channel,
    its client connected to the fake Discord."""
    started: list[Running] = []

    async def start(**env: object) -> Running:
        bot = await Lorebot.open(make_settings(**{**discord_env(discord_api, fake_openai.base_url), **env}))
        try:
            await indexer_for(bot).sync("lorebot-docs", SAMPLES)
            await Registry(bot.redis, bot.settings.key_prefix).link("lorebot-docs", f"discord:{discord_api.channel['id']}")
            started.append(await start_client(bot, discord_api))
        except BaseException:
            await bot.close()
            raise
        return started[-1]

    yield start
    for running in started:
        await stop_client(running)
        await running.bot.close()


async def answered(fake: FakeDiscord, running: Running, token: str) -> list[dict]:
    """The messages an interaction ended with, once Lorebot has finished with it."""

    def done() -> list[dict] | None:
        shown = fake.interaction_messages(token)
        finished = shown and not len(running.client.inflight) and not any(m["flags"] & LOADING for m in shown)
        return shown if finished and not any(m["content"].endswith(CURSOR) for m in shown) else None

    return await fake.wait_for(done, what=f"the answer to interaction {token}")


async def replies(fake: FakeDiscord, running: Running, question: dict) -> list[dict]:
    """Lorebot's messages after a question message: the reply to it and any parts that followed."""

    def done() -> list[dict] | None:
        shown = fake.channel_messages(question["channel_id"])
        first = next((i for i, m in enumerate(shown)
                      if (m.get("message_reference") or {}).get("message_id") == question["id"]), None)
        if first is None or len(running.client.inflight) or shown[-1]["content"].endswith(CURSOR):
            return None
        return shown[first:]

    return await fake.wait_for(done, what=f"the reply to message {question['id']}")


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 10, what: str = "condition") -> Any:
    """Await `check()` until it is truthy and return it (every 20 ms; TimeoutError after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while not (found := await check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
    return found
