"""The slash command over signed HTTP: acked at once, mapped to adapters.chat.commands.run_command; `ask` answers
in the channel, everything else answers the caller alone through the response URL."""

from __future__ import annotations

import pytest

from adapters.slack.commands import NOT_IN_CHANNEL
from ingest.sources import Registry
from testkit.slack_harness import CHANNEL, USER, finished, has_feedback, text_of, until


def responses(api):
    return api.calls("response_url")


async def test_help_is_acked_at_once_and_shown_only_to_the_caller(slack_http):
    reply = await slack_http.command("help")
    assert reply.status == 200 and reply.seconds < 3
    [call] = await until(lambda: responses(slack_http.api), what="the help response")
    assert call.args["response_type"] == "ephemeral"
    assert "ask QUESTION" in text_of(call.args) and "link SOURCE" in text_of(call.args)
    assert slack_http.api.calls("chat.postMessage") == []


async def test_empty_and_unknown_commands_get_help(slack_http):
    await slack_http.command("")
    await slack_http.command("frobnicate now")
    calls = await until(lambda: len(r := responses(slack_http.api)) == 2 and r, what="two responses")
    texts = sorted(text_of(c.args) for c in calls)
    assert all("ask QUESTION" in t for t in texts)
    assert any("frobnicate" in t for t in texts)


async def test_ask_answers_in_the_channel_with_the_channels_memory(slack_http):
    reply = await slack_http.command("ASK\tHow do I connect Lorebot to Slack?")
    assert reply.status == 200 and reply.seconds < 3
    [final] = await until(lambda: [m for m in slack_http.api.messages(CHANNEL) if finished(m)] or None,
                          what="the answer")
    assert final["thread_ts"] is None  # a message of its own in the channel
    text = text_of(final)
    assert f"<@{USER}> asked: How do I connect Lorebot to Slack?" in text
    assert "Slack app setup" in text and has_feedback(final)
    assert [t.role for t in await slack_http.slack.bot.memory.recent(f"slack:{CHANNEL}")] == ["user", "assistant"]


async def test_ask_where_the_bot_is_not_a_member_says_so_to_the_caller(slack_http):
    slack_http.api.not_in_channel.add("C0000077")
    await slack_http.command("ask How do I connect Lorebot to Slack?", channel="C0000077")
    [call] = await until(lambda: responses(slack_http.api), what="the explanation")
    assert text_of(call.args) == NOT_IN_CHANNEL and call.args["response_type"] == "ephemeral"


async def test_forget_clears_the_channels_memory(slack_http):
    await slack_http.command("ask How do I connect Lorebot to Slack?")
    await until(lambda: [m for m in slack_http.api.messages(CHANNEL) if finished(m)], what="the answer")
    await slack_http.command("forget")
    [call] = await until(lambda: responses(slack_http.api), what="the forget response")
    assert "forgotten" in text_of(call.args)
    assert await slack_http.slack.bot.memory.recent(f"slack:{CHANNEL}") == []


async def test_admin_commands_are_refused_politely_to_others(slack_http):
    slack_http.api.users[USER] = {"is_admin": False}
    await slack_http.command("link lorebot-docs", channel="C0000002")
    [call] = await until(lambda: responses(slack_http.api), what="the refusal")
    assert "only an admin" in text_of(call.args)
    registry = Registry(slack_http.slack.bot.redis, slack_http.slack.bot.settings.key_prefix)
    assert await registry.linked("slack:C0000002") == []
    assert [c.args["user"] for c in slack_http.api.calls("users.info")] == [USER]


async def test_workspace_admins_may_link_and_unlink(slack_http):
    slack_http.api.users["U0000003"] = {"is_admin": True}
    registry = Registry(slack_http.slack.bot.redis, slack_http.slack.bot.settings.key_prefix)
    await slack_http.command("link lorebot-docs", user="U0000003", channel="C0000002")
    await until(lambda: responses(slack_http.api), what="the link response")
    assert await registry.linked("slack:C0000002") == ["lorebot-docs"]
    await slack_http.command("sources", user="U0000003", channel="C0000002")
    await until(lambda: len(responses(slack_http.api)) == 2, what="the sources response")
    assert "lorebot-docs" in text_of(responses(slack_http.api)[1].args)
    await slack_http.command("unlink lorebot-docs", user="U0000003", channel="C0000002")
    await until(lambda: len(responses(slack_http.api)) == 3, what="the unlink response")
    assert await registry.linked("slack:C0000002") == []


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_ADMINS": "U0000005, U0000006",
                                        "LOREBOT_SLACK_COMMAND": "/docs"}])
async def test_configured_admins_and_command_name(slack_http):
    await slack_http.command("link lorebot-docs", command="/docs", user="U0000006", channel="C0000002")
    [call] = await until(lambda: responses(slack_http.api), what="the link response")
    assert "Linked `lorebot-docs`" in text_of(call.args)
    assert slack_http.api.calls("users.info") == []  # configured admins need no look-up
    other = await slack_http.command("help", command="/lore")
    assert other.status == 404  # not this app's command any more
