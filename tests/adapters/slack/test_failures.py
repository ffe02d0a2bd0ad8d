"""Failures give a short clear message in the thread, never silence: the model endpoint down, Redis
down, no source linked, Slack rate-limiting the bot."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from adapters.slack.app import build_app, start_http
from bot.core import REDIS_DOWN
from bot.store.redis_server import ensure_embedded_redis, stop_embedded_redis
from testkit.slack_harness import CHANNEL, SlackHTTP, answered, has_feedback, mention, new_ts, text_of
from tests.adapters.slack.conftest import open_docs_bot


async def test_model_endpoint_down_falls_back_to_quoted_passages(slack_http, fake_openai):
    fake_openai.fail_next(5, status=500, path="/chat/completions")
    ts = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts)
    text = text_of(final)
    assert "I couldn't generate an answer" in text and "HTTP 500" in text
    assert "Slack app setup" in text  # the passages it quotes instead


async def test_channel_without_sources_is_told_how_to_link_one(slack_http):
    ts = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", channel="C0000099", ts=ts))
    [final] = await answered(slack_http.api, "C0000099", ts)
    assert "No document source is linked" in text_of(final) and "/lore link" in text_of(final)
    assert not has_feedback(final)  # a notice, not an answer to judge


async def test_redis_down_is_explained_in_the_thread(slack_settings, slack_api, tmp_path, caplog):
    server = ensure_embedded_redis(tmp_path / "redis")
    bot = await open_docs_bot(slack_settings(REDIS_URL=server.url))
    slack = build_app(bot)
    runner = await start_http(slack, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as session:
            http = SlackHTTP(f"http://{host}:{port}", slack_api, session, slack)
            stop_embedded_redis(tmp_path / "redis")
            ts = new_ts()
            with caplog.at_level(logging.WARNING):
                assert (await http.event(mention("How do I connect Lorebot to Slack?", ts=ts))).status == 200
                [final] = await answered(slack_api, CHANNEL, ts)
            assert text_of(final) == REDIS_DOWN
            assert "redis unavailable" in caplog.text and slack_api.bot_token not in caplog.text
            async with session.get(http.url + "/healthz") as r:
                assert r.status == 503 and (await r.json())["redis"] == "unavailable"
    finally:
        await runner.cleanup()
        await slack.replies.drain(10)
        await bot.close()


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_STREAMING": "off"}])  # the answer is a post, not a stream
async def test_rate_limited_posts_are_retried_after_the_wait_slack_asks_for(slack_http):
    slack_http.api.ratelimit_next("chat.postMessage", retry_after=1)
    ts = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts, timeout=20)
    assert "Slack app setup" in text_of(final)
    assert len(slack_http.api.calls("chat.postMessage")) == 2  # refused once, then accepted
