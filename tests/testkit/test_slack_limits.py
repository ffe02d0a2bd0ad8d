"""The fake Slack refuses what Slack refuses, and takes what Lorebot's renderer makes."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackObjectFormationError

from adapters.slack.render import SlackMessage, feedback_block, render_answer, section
from bot.types import Answer
from testkit.fakes.slack_limits import MessageRejected, check_message

GOOD = section("text").to_dict()


@pytest.mark.parametrize("blocks", [
    [{**GOOD, "colour": "red"}],  # a field sections do not have
    [{**GOOD, "text": {"type": "mrkdwn", "text": "x", "verbatim": "yes"}}],
    [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}],
    [{**GOOD, "block_id": "a"}, {**GOOD, "block_id": "a"}],
    [{"type": "actions", "elements": [{**feedback_block("a1").to_dict()["elements"][0], "style": "blue"}]}],
    [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}],
    [GOOD] * 51,
    [{"type": "table"}],
])
def test_what_slack_refuses(blocks):
    with pytest.raises(MessageRejected):
        check_message({"text": "x", "blocks": blocks})


def test_what_lorebot_renders_is_taken():
    for message in render_answer(Answer("**Hi** <@U1> [1]", mode="generative", id="a1"), header="*asked*"):
        check_message(message.kwargs())


def test_a_malformed_block_fails_where_it_is_made():
    with pytest.raises(SlackObjectFormationError):
        SlackMessage("x", [section("y" * 3001)])
