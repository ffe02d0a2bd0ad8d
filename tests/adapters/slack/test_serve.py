"""`lorebot run slack` (adapters.slack.app.serve): HTTP on $PORT or Socket Mode, settings checked
first with a clear line, a refused token reported at start, a clean stop when cancelled."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from adapters.cli.processes import serving
from adapters.slack.app import serve
from bot.settings import SettingsError
from testkit.slack_harness import CHANNEL, SlackHTTP, answered, event_callback, mention, new_ts, until
from tests.adapters.slack.conftest import open_docs_bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def prepared(settings):
    bot = await open_docs_bot(settings)
    await bot.close()


async def stopped(task: asyncio.Task) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_lorebot_run_slack_finds_this_module():
    assert serving("slack") is serve


async def wait_healthy(session: aiohttp.ClientSession, url: str, task: asyncio.Task) -> bool:
    for _ in range(300):
        if task.done():
            return False
        try:
            async with session.get(url + "/healthz") as r:
                if r.status == 200:
                    return True
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    return False


async def test_serve_over_http(slack_settings, slack_api):
    port = free_port()
    settings = slack_settings(PORT=port)
    await prepared(settings)
    task = asyncio.create_task(serve(settings))
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        assert await wait_healthy(session, url, task)
        http = SlackHTTP(url, slack_api, session)
        ts = new_ts()
        assert (await http.event(mention("How do I connect Lorebot to Slack?", ts=ts))).status == 200
        await answered(slack_api, CHANNEL, ts)
    await stopped(task)
    assert slack_api.calls("auth.test")  # the token was checked at start


async def test_serve_starts_while_slack_is_out_of_reach(slack_settings, caplog):
    port = free_port()
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    task = asyncio.create_task(serve(slack_settings(PORT=port, SLACK_API_URL=nowhere)))
    async with aiohttp.ClientSession() as session:
        assert await wait_healthy(session, f"http://127.0.0.1:{port}", task)
    await stopped(task)
    assert "cannot reach the Slack API" in caplog.text


async def test_serve_in_socket_mode(slack_settings, slack_api):
    settings = slack_settings(SLACK_APP_TOKEN=slack_api.app_token, SLACK_SIGNING_SECRET=None)
    await prepared(settings)
    task = asyncio.create_task(serve(settings))
    await until(lambda: slack_api.socket_connected or task.done(), what="the Socket Mode session")
    assert not task.done()
    ts = new_ts()
    await slack_api.send_envelope("events_api", event_callback(mention("How do I connect Lorebot to Slack?", ts=ts)))
    await answered(slack_api, CHANNEL, ts)
    await stopped(task)
    await until(lambda: not slack_api.socket_connected, what="the session to close")


@pytest.mark.parametrize(("env", "variable"), [
    ({"SLACK_BOT_TOKEN": None}, "SLACK_BOT_TOKEN"),
    ({"SLACK_SIGNING_SECRET": None}, "SLACK_SIGNING_SECRET"),
])
async def test_missing_settings_are_named(slack_settings, env, variable):
    with pytest.raises(SettingsError, match=variable):
        await serve(slack_settings(**env))


async def test_a_refused_token_is_reported_without_the_token(slack_settings, slack_api):
    with pytest.raises(SettingsError, match="invalid_auth") as err:
        await serve(slack_settings(SLACK_BOT_TOKEN="xoxb-wrong-token-123"))
    assert "xoxb-wrong-token-123" not in str(err.value)


@pytest.mark.parametrize(("variable", "value"), [
    ("LOREBOT_SLACK_COMMAND", "lore"), ("LOREBOT_SLACK_ADMINS", "U1; DROP"), ("LOREBOT_SLACK_THREAD_FOLLOWUPS", "maybe"),
])
def test_bad_slack_adapter_settings_are_named(make_settings, variable, value):
    with pytest.raises(SettingsError, match=variable):
        make_settings(**{variable: value})
