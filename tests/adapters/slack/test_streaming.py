"""Answers streamed with chat.startStream / appendStream / stopStream, through the real AsyncApp and
AsyncWebClient to the fake Slack API (which refuses what Slack refuses: testkit.fakes.slack_limits);
the fall back to the placeholder and its edits where Slack will not stream; and errors mid-stream."""

from __future__ import annotations

import logging
import re

import pytest

from adapters.slack.render import HELPFUL, NOT_HELPFUL
from adapters.slack.streaming import REPLACED
from testkit.fakes.slack_api import TEAM
from testkit.fakes.slack_limits import MAX_MARKDOWN_TEXT
from testkit.fakes.slack_streams import STREAM_METHODS
from testkit.slack_harness import (
    CHANNEL,
    USER,
    answered,
    button_value,
    has_feedback,
    mention,
    new_ts,
    text_of,
    until,
)
from tests.adapters.slack.test_long_answers import MARK, long_text

QUESTION = "How do I connect Lorebot to Slack?"


@pytest.fixture
def slack_env() -> dict[str, object]:
    """Streaming is opt-in (LOREBOT_SLACK_STREAMING=off by default); these tests turn it on."""
    return {"LOREBOT_SLACK_STREAMING": "auto"}


@pytest.fixture
def slow_model(fake_openai):
    """The model writes its answer in 8 pieces over about 2.5 s: long enough for appends."""
    fake_openai.stream_pieces, fake_openai.piece_delay = 8, 0.35
    return fake_openai


async def stored_answer(slack_http) -> tuple[str, str]:
    """The id and text of the one answer the bot logged."""
    bot = slack_http.slack.bot
    [key] = await bot.redis.keys(f"{bot.settings.key_prefix}:answer:*")
    return key.decode().rsplit(":", 1)[1], (await bot.redis.hget(key, "answer")).decode()


async def test_a_mention_streams_and_stops_with_sources_and_feedback(slack_http, slow_model):
    ts = new_ts()
    await slack_http.event(mention(QUESTION, ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts)
    api = slack_http.api
    [start], appends, [stop] = (api.calls(m) for m in STREAM_METHODS)
    assert start.args["thread_ts"] == ts
    assert (start.args["recipient_team_id"], start.args["recipient_user_id"]) == (TEAM, USER)
    assert appends, "the answer was not appended to while it was written"
    gaps = [b.at - a.at for a, b in zip([start, *appends], appends)]
    assert all(gap > 0.8 for gap in gaps), gaps  # at most one append a second
    # The stream holds exactly the answer's text, then the sources and the feedback buttons.
    answer_id, answer = await stored_answer(slack_http)
    assert final["blocks"][0] == {"type": "markdown", "text": answer}
    assert "".join(c.args["markdown_text"] for c in [start, *appends, stop] if "markdown_text" in c.args) == answer
    assert answer.endswith("[1]") and "*[1]* Slack app setup" in text_of({"blocks": stop.args["blocks"]})
    assert button_value(final, HELPFUL) == button_value(final, NOT_HELPFUL) == answer_id
    assert api.calls("chat.postMessage") == [] and api.calls("chat.update") == []


async def test_a_long_answer_streams_its_start_and_continues_in_messages(slack_http, fake_openai):
    text = long_text()
    fake_openai.reply = lambda messages: text
    fake_openai.stream_pieces, fake_openai.piece_delay = 40, 0.05
    ts = new_ts()
    await slack_http.event(mention("Tell me everything about Slack setup", ts=ts))
    messages = await until(lambda: (m := slack_http.api.messages(CHANNEL, ts)) and has_feedback(m[-1]) and m,
                           timeout=30, what="the last part of the answer")
    streamed, *after = messages
    assert not streamed["streaming"] and after
    assert len(streamed["markdown"]) <= MAX_MARKDOWN_TEXT and streamed["markdown"].count("```") % 2 == 0
    assert text.startswith(streamed["markdown"].rstrip("`\n"))
    shown = "\n".join(text_of(m) for m in messages)
    assert MARK.findall(shown) == MARK.findall(text)  # every word once, in order, nothing refused
    assert sum(has_feedback(m) for m in messages) == 1 and "*Sources*" in text_of(messages[-1])


@pytest.mark.parametrize(("slack_env", "starts"), [({"LOREBOT_SLACK_STREAMING": "auto"}, 1),
                                                  ({"LOREBOT_SLACK_STREAMING": "on"}, 2)])
async def test_where_slack_will_not_stream_answers_use_the_placeholder(slack_http, slow_model, starts, caplog):
    slack_http.api.stream_refusal = "unknown_method"
    with caplog.at_level(logging.WARNING, logger="adapters.slack.streaming"):
        for question in (QUESTION, "Which Discord intent must I enable?"):
            ts = new_ts()
            await slack_http.event(mention(question, ts=ts))
            [final] = await answered(slack_http.api, CHANNEL, ts)
            assert has_feedback(final) and final["updates"] >= 1  # the placeholder, edited into the answer
    assert len(slack_http.api.calls("chat.startStream")) == starts  # auto: not asked again
    assert len(slack_http.api.calls("chat.postMessage")) == 2
    assert slack_http.api.calls("chat.appendStream") == slack_http.api.calls("chat.stopStream") == []
    remembered = "until restart" in caplog.text
    assert remembered == (starts == 1) and caplog.text.count("unknown_method") == starts


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_STREAMING": "off"}])
async def test_off_never_streams(slack_http, slow_model):
    ts = new_ts()
    await slack_http.event(mention(QUESTION, ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts)
    assert has_feedback(final) and final["updates"] >= 1
    assert not [c for c in slack_http.api.calls() if c.method in STREAM_METHODS]


async def test_the_model_failing_mid_stream_leaves_a_readable_answer(slack_http, slow_model):
    slow_model.break_stream_after = 4
    ts = new_ts()
    await slack_http.event(mention(QUESTION, ts=ts))
    [final] = await until(lambda: [m for m in slack_http.api.messages(CHANNEL, ts) if has_feedback(m)],
                          what="the answer in place of the draft")
    [stop] = slack_http.api.calls("chat.stopStream")
    assert text_of({"blocks": stop.args["blocks"]}) == REPLACED  # the draft was ended with a note ...
    text = text_of(final)  # ... then replaced by the answer, which says what went wrong
    assert "I couldn't generate an answer" in text and "Slack app setup" in text and REPLACED not in text
    assert len(slack_http.api.messages(CHANNEL, ts)) == 1 and has_feedback(final)


async def test_a_stream_slack_ended_early_still_gets_the_whole_answer(slack_http, slow_model):
    ts = new_ts()
    await slack_http.event(mention(QUESTION, ts=ts))
    await until(lambda: slack_http.api.calls("chat.startStream"), what="the stream")
    slack_http.api.expire_streams()  # appends and the stop are now refused: message_not_in_streaming_state
    [final] = await until(lambda: [m for m in slack_http.api.messages(CHANNEL, ts) if has_feedback(m)],
                          what="the answer in place of the draft")
    _, answer = await stored_answer(slack_http)
    words = re.sub(r"\[\d+\]", " ", answer).split()
    shown = text_of(final)
    assert [w for w in words if w in shown] == words  # the whole answer, in place of the draft
    assert "*[1]* Slack app setup" in shown and final["blocks"][0]["type"] == "section"
    assert len(slack_http.api.messages(CHANNEL, ts)) == 1 and slack_http.api.calls("chat.update")


async def test_mentions_quoted_from_a_document_are_inert_in_the_stream(slack_http, slow_model):
    slow_model.reply = lambda messages: "Page <!channel> <!here> and <@U0BOSS> now, as the runbook says. [1]"
    ts = new_ts()
    await slack_http.event(mention(QUESTION, ts=ts))
    await answered(slack_http.api, CHANNEL, ts)
    sent = [c.args.get("markdown_text") or "" for m in STREAM_METHODS for c in slack_http.api.calls(m)]
    streamed = "".join(sent)
    assert "channel>" in streamed and "U0BOSS>" in streamed  # the text itself is kept...
    for live in ("<!channel>", "<!here>", "<@U0BOSS>"):
        assert live not in streamed  # ...but Slack cannot read it as a mention
