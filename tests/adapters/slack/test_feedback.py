"""The feedback buttons: a click is stored with the question, answer and sources it judged."""

from __future__ import annotations

import json

from adapters.slack.handlers import FEEDBACK_EXPIRED, FEEDBACK_THANKS
from adapters.slack.render import HELPFUL, NOT_HELPFUL
from testkit.slack_harness import (
    CHANNEL,
    USER,
    answered,
    block_action,
    button_value,
    mention,
    new_ts,
    text_of,
    until,
)


async def test_a_click_is_stored_with_what_it_judged(slack_http):
    ts = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts)
    answer_id = button_value(final, NOT_HELPFUL)
    assert answer_id == button_value(final, HELPFUL)
    action = block_action(NOT_HELPFUL, answer_id, slack_http.api.response_url(), user="U0000004",
                          message_ts=final["ts"], thread_ts=ts)
    reply = await slack_http.action(action)
    assert reply.status == 200 and reply.seconds < 3
    [thanks] = await until(lambda: slack_http.api.calls("chat.postEphemeral"), what="the thanks")
    assert thanks.args["user"] == "U0000004" and thanks.args["thread_ts"] == ts
    assert text_of(thanks.args) == FEEDBACK_THANKS[False]
    bot = slack_http.slack.bot
    [(_, vote)] = await bot.redis.xrange(bot.answers.feedback_stream)
    vote = {k.decode(): v.decode() for k, v in vote.items()}
    assert vote["helpful"] == "0" and vote["user"] == "U0000004" and vote["answer_id"] == answer_id
    assert vote["question"] == "How do I connect Lorebot to Slack?"
    assert json.loads(vote["sources"])[0]["title"] == "Slack app setup"
    assert vote["answer"] in text_of(final)


async def test_a_click_on_an_unknown_answer_is_answered_not_stored(slack_http):
    await slack_http.action(block_action(HELPFUL, "0123456789abcdef", slack_http.api.response_url(), user=USER))
    [reply] = await until(lambda: slack_http.api.calls("chat.postEphemeral"), what="the reply")
    assert text_of(reply.args) == FEEDBACK_EXPIRED
    bot = slack_http.slack.bot
    assert await bot.redis.xlen(bot.answers.feedback_stream) == 0
