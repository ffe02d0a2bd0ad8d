"""StreamedAnswer through the real AsyncWebClient to the fake Slack API: appends paused when Slack
rate-limits them, a stream the user stopped left alone, the closing blocks within chat.stopStream's
limits, and the fake refusing the stream calls Slack refuses."""

from __future__ import annotations

import asyncio
import logging

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack.app import web_client
from adapters.slack.progress import EditBudget, Progress
from adapters.slack.render import render_answer, render_closing
from adapters.slack.streaming import Recipient, StreamedAnswer, StreamSwitch
from bot.types import Answer, Citation
from testkit.fakes.slack_api import TEAM
from testkit.fakes.slack_limits import check_message, check_stop_blocks
from testkit.slack_harness import CHANNEL, USER, has_feedback

TEXT = "Create the app, give it the **chat:write** scope [1] and pick Socket Mode [1]."
ANSWER = Answer(TEXT, (Citation(1, "Slack app setup", "docs", "slack.md", "https://x.test/slack", "quote"),),
                mode="generative", id="a1")


@pytest.fixture
def clients(slack_settings):
    settings = slack_settings()
    return web_client(settings), web_client(settings, retry_ratelimited=False)


def streamed(clients, budget: EditBudget, thread_ts: str) -> StreamedAnswer:
    def placeholder() -> Progress:
        return Progress(*clients, EditBudget(), CHANNEL, thread_ts)

    return StreamedAnswer(*clients, budget, StreamSwitch("auto"), CHANNEL, thread_ts, Recipient(TEAM, USER),
                          placeholder, interval=0)


async def feed(stream: StreamedAnswer, text: str) -> None:
    """The text as the core hands it over, a word at a time."""
    words = text.split(" ")
    for n in range(1, len(words) + 1):
        await stream.text(" ".join(words[:n]))
        await asyncio.sleep(0.01)


async def test_a_rate_limited_append_pauses_appends_and_the_stop_brings_the_rest(slack_api, clients):
    slack_api.ratelimit_next("chat.appendStream", retry_after=30)
    budget = EditBudget(per_minute=6000, burst=100)
    stream = streamed(clients, budget, "6.000001")
    await feed(stream, TEXT)
    await stream.finish(render_answer(ANSWER), ANSWER)
    assert len(slack_api.calls("chat.appendStream")) == 1 and not budget.take()  # refused, then paused
    [stop] = slack_api.calls("chat.stopStream")
    assert stop.args["markdown_text"] == TEXT[len(slack_api.calls("chat.startStream")[0].args["markdown_text"]):]
    [message] = slack_api.messages(CHANNEL, "6.000001")
    assert message["markdown"] == TEXT and has_feedback(message) and not message["streaming"]


async def test_a_stream_the_user_stopped_is_left_as_it_is(slack_api, clients):
    slack_api.fail_next("chat.appendStream", "stopped_by_user")
    stream = streamed(clients, EditBudget(per_minute=6000, burst=100), "7.000001")
    await feed(stream, TEXT)
    await stream.finish(render_answer(ANSWER), ANSWER)
    assert slack_api.calls("chat.stopStream") == slack_api.calls("chat.update") == []
    assert len(slack_api.messages(CHANNEL, "7.000001")) == 1


def test_the_closing_blocks_of_an_answer_with_many_sources_fit_the_stop():
    cites = tuple(Citation(n, f"A very long page title {n} " * 36, "docs", "a/b", f"https://x.test/{n}", "q")
                  for n in range(1, 51))  # LOREBOT_TOP_K's most, with titles that overflow one message
    first, *more = render_closing(Answer("text", cites, mode="generative", id="a2"))
    assert check_stop_blocks(first.kwargs()) and more  # split rather than refused
    for message in more:
        check_message(message.kwargs())
    assert has_feedback(more[-1].kwargs()) and not has_feedback(first.kwargs())
    assert render_closing(Answer("a notice", mode="notice")) == []


async def test_the_fake_refuses_stream_calls_as_slack_does(slack_api, clients):
    client = clients[0]

    async def error(call) -> str:
        with pytest.raises(SlackApiError) as refused:
            await call
        return refused.value.response["error"]

    assert await error(client.chat_startStream(channel=CHANNEL, thread_ts="8.1", markdown_text="hi")) == \
        "missing_recipient_team_id"
    start = await client.chat_startStream(channel=CHANNEL, thread_ts="8.1", markdown_text="x" * 11_000,
                                          recipient_team_id=TEAM, recipient_user_id=USER)
    ts = start["ts"]
    assert await error(client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="y" * 1_001)) == "msg_too_long"
    assert await error(client.chat_update(channel=CHANNEL, ts=ts, text="no")) == "cant_update_message"
    blocks = [{"type": "divider"}] * 51
    assert await error(client.chat_stopStream(channel=CHANNEL, ts=ts, blocks=blocks)) == "msg_blocks_too_many"
    await client.chat_stopStream(channel=CHANNEL, ts=ts, blocks=blocks[:50])
    assert await error(client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="z")) == \
        "message_not_in_streaming_state"
    dm = await client.chat_startStream(channel="D0000001", thread_ts="8.2", markdown_text="in a DM")
    assert dm["ok"]  # no recipient needed in a DM


def test_only_auto_mode_remembers_what_slack_refused(caplog):
    auto, on = StreamSwitch("auto"), StreamSwitch("on")
    for switch in (auto, on):
        switch.refused("C1", "channel_type_not_supported")
    assert not auto.allows("C1") and auto.allows("C2") and on.allows("C1")
    auto.refused("C2", "ratelimited")  # a passing refusal: only that answer uses edits
    assert auto.allows("C2")
    with caplog.at_level(logging.WARNING, logger="adapters.slack.streaming"):
        auto.refused("C2", "unknown_method")
        auto.refused("C3", "unknown_method")  # an answer that was already under way
    assert not auto.allows("C4") and caplog.text.count("until restart") == 1
    assert not StreamSwitch("off").allows("C1")
