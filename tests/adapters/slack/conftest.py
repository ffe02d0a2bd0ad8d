"""Fixtures for the Slack adapter tests: the fake Slack API, a Lorebot on the fake model with the
sample docs linked to the test channel, and the real AsyncApp served over HTTP on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from adapters.slack.app import build_app, start_http
from bot.core import Lorebot
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD
from testkit.fakes.slack_api import FakeSlack
from testkit.slack_harness import CHANNEL, SECRET, SlackHTTP
from tests.conftest import SAMPLES


@pytest.fixture
def slack_api() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def slack_settings(make_settings, fake_openai, slack_api):
    """Settings for a Slack bot on the fakes; keyword overrides are extra environment values."""

    def make(**env: object):
        return make_settings(**{
            "LOREBOT_EMBEDDINGS": "openai:fake-embed", "OPENAI_BASE_URL": fake_openai.base_url,
            "LOREBOT_ABSTAIN_THRESHOLD": FAKE_ABSTAIN_THRESHOLD,
            "OPENAI_API_KEY": "sk-test-key", "LOREBOT_MODEL_RETRIES": 0,
            "SLACK_BOT_TOKEN": slack_api.bot_token, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack_api.api_url, **env,
        })

    return make


async def open_docs_bot(settings) -> Lorebot:
    """A Lorebot with the sample export indexed and linked to CHANNEL."""
    bot = await Lorebot.open(settings)
    report = await indexer_for(bot).sync("lorebot-docs", SAMPLES)
    assert report.ok and report.added
    await Registry(bot.redis, bot.settings.key_prefix).link("lorebot-docs", f"slack:{CHANNEL}")
    return bot


@pytest.fixture
def slack_env() -> dict[str, object]:
    """Extra settings for `slack_http` (a test changes them with pytest.mark.parametrize or by indirect)."""
    return {}


@pytest.fixture
async def slack_bot(slack_settings, slack_env) -> AsyncIterator[Lorebot]:
    bot = await open_docs_bot(slack_settings(**slack_env))
    yield bot
    await bot.close()


@pytest.fixture
async def slack_http(slack_bot, slack_api) -> AsyncIterator[SlackHTTP]:
    slack = build_app(slack_bot)
    runner = await start_http(slack, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    slack.support.start()
    async with aiohttp.ClientSession() as session:
        yield SlackHTTP(f"http://{host}:{port}", slack_api, session, slack)
    await runner.cleanup()
    await slack.support.stop(10)
    await slack.replies.drain(10)
