"""`lorebot run discord` (adapters.discord.app.serve) against the fake Discord: start, global command
sync, answering, a graceful stop, and clear errors for a missing or refused token."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from pydantic import SecretStr

from adapters.cli.processes import serving
from adapters.discord.app import guild_ids, serve
from bot.core import Lorebot
from bot.settings import SettingsError
from ingest.context import indexer_for
from ingest.sources import Registry
from tests.adapters.discord.conftest import discord_env
from tests.conftest import SAMPLES


@pytest.fixture
async def settings(make_settings, fake_openai, discord_api):
    """AppSettings with global commands, the sample docs indexed and linked to the fake's text channel."""
    settings = make_settings(**{**discord_env(discord_api, fake_openai.base_url), "LOREBOT_DISCORD_GUILDS": ""})
    bot = await Lorebot.open(settings)
    try:
        await indexer_for(bot).sync("lorebot-docs", SAMPLES)
        await Registry(bot.redis, settings.key_prefix).link("lorebot-docs", f"discord:{discord_api.channel['id']}")
    finally:
        await bot.close()
    return settings


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 30)


def final(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["components"]]


async def test_lorebot_run_discord_serves_until_stopped(settings, discord_api):
    assert serving("discord") is serve
    task = asyncio.create_task(serve(settings))
    try:
        await discord_api.wait_for(lambda: discord_api.gateway.session, what="the client to identify")
        assert {c["name"] for c in discord_api.commands[None]} >= {"ask", "link", "help"}  # global
        question = discord_api.mention("How do I set up the Discord bot?")
        await discord_api.dispatch("MESSAGE_CREATE", question)
        [reply] = await discord_api.wait_for(lambda: final(discord_api.channel_messages(question["channel_id"])))
        assert "[1]" in reply["content"]
    finally:
        await stop(task)
    # The gateway runs in its own thread and sees the client go when its socket closes; a client that
    # drops the connection (not only one that says goodbye) must be seen gone too.
    await discord_api.wait_for(lambda: not discord_api.gateway.connected, what="the gateway to see the client go")


async def test_a_stop_lets_the_answers_in_progress_finish(settings, discord_api, fake_openai):
    task = asyncio.create_task(serve(settings))
    try:
        await discord_api.wait_for(lambda: discord_api.gateway.session, what="the client to identify")
        fake_openai.delay = 1.0
        payload = discord_api.slash("ask", question="How do I connect Lorebot to Slack?")
        await discord_api.dispatch("INTERACTION_CREATE", payload)
        await discord_api.wait_for(lambda: discord_api.requests("POST", payload["token"]), what="the defer")
    finally:
        await stop(task)
    [answer] = final(discord_api.interaction_messages(payload["token"]))
    assert "[1]" in answer["content"]


async def test_a_missing_token_is_a_clear_settings_error(make_settings):
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        await serve(make_settings())


async def test_a_refused_token_is_a_clear_settings_error_without_the_token(settings, discord_api):
    wrong = settings.model_copy(update={"discord_token": SecretStr("wrong-token-123456")})
    with pytest.raises(SettingsError, match="DISCORD_TOKEN: Discord refused it") as raised:
        await asyncio.wait_for(serve(wrong), 30)
    assert "wrong-token" not in str(raised.value)
    assert discord_api.requests("GET", "/users/@me")[-1].status == 401


def test_guild_ids_that_are_not_ids_are_refused_by_name(make_settings):
    with pytest.raises(SettingsError, match="LOREBOT_DISCORD_GUILDS"):
        make_settings(LOREBOT_DISCORD_GUILDS="123, my-server")
    assert guild_ids(make_settings(LOREBOT_DISCORD_GUILDS=" 123 ,456")) == [123, 456]
