"""Socket Mode: the real AsyncSocketModeHandler opens a session on the fake Slack websocket, and the
same listeners as over HTTP answer what arrives there; every envelope is acknowledged."""

from __future__ import annotations

import pytest

from adapters.slack.app import build_app, socket_mode_handler
from adapters.slack.render import HELPFUL
from testkit.slack_harness import (
    CHANNEL,
    answered,
    block_action,
    button_value,
    event_callback,
    has_feedback,
    mention,
    new_ts,
    slash_command,
    text_of,
    until,
)
from tests.adapters.slack.conftest import open_docs_bot


@pytest.fixture
async def socket_app(slack_settings, slack_api):
    bot = await open_docs_bot(slack_settings(SLACK_APP_TOKEN=slack_api.app_token, SLACK_SIGNING_SECRET=None))
    slack = build_app(bot)
    handler = socket_mode_handler(slack)
    await handler.connect_async()
    await until(lambda: slack_api.socket_connected, what="the Socket Mode session")
    yield slack
    await handler.close_async()
    await slack.replies.drain(10)
    await bot.close()


def acked(api, envelope_id: str):
    return [a for a in api.acks if a.get("envelope_id") == envelope_id]


async def test_events_commands_and_actions_over_socket_mode(socket_app, slack_api):
    [opened] = slack_api.calls("apps.connections.open")
    assert opened.token == slack_api.app_token

    ts = new_ts()
    question = mention("How do I connect Lorebot to Slack?", ts=ts)
    event_envelope = await slack_api.send_envelope("events_api", event_callback(question))
    await until(lambda: acked(slack_api, event_envelope), what="the event's ack")
    [final] = await answered(slack_api, CHANNEL, ts)
    assert "Slack app setup" in text_of(final) and has_feedback(final)

    help_command = slash_command("help", slack_api.response_url())
    command_envelope = await slack_api.send_envelope("slash_commands", help_command)
    await until(lambda: acked(slack_api, command_envelope), what="the command's ack")
    [help_reply] = await until(lambda: slack_api.calls("response_url"), what="the help text")
    assert "ask QUESTION" in text_of(help_reply.args)

    click = block_action(HELPFUL, button_value(final), slack_api.response_url(), message_ts=final["ts"], thread_ts=ts)
    action_envelope = await slack_api.send_envelope("interactive", click)
    await until(lambda: acked(slack_api, action_envelope), what="the action's ack")
    await until(lambda: slack_api.calls("chat.postEphemeral"), what="the feedback thanks")
    bot = socket_app.bot
    assert await bot.redis.xlen(bot.answers.feedback_stream) == 1


async def test_a_redelivered_envelope_is_answered_once(socket_app, slack_api):
    ts = new_ts()
    payload = event_callback(mention("Which Discord intent must I enable?", ts=ts), event_id="EvSame")
    first = await slack_api.send_envelope("events_api", payload)
    again = await slack_api.send_envelope("events_api", payload, retry_attempt=1, retry_reason="timeout")
    await until(lambda: acked(slack_api, first) and acked(slack_api, again), what="both acks")
    later = new_ts()
    await slack_api.send_envelope("events_api", event_callback(mention("How do I connect Lorebot to Slack?", ts=later)))
    await answered(slack_api, CHANNEL, later)
    await socket_app.replies.drain(10)
    assert len(slack_api.messages(CHANNEL, ts)) == 1
