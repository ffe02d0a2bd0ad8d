"""Slack's own payload samples (../shared/data/slack-payloads: every field Slack has been seen to send,
values blanked) with the few values that matter filled in, through the real app over signed HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from adapters.slack.render import HELPFUL
from testkit.fakes.slack_api import BOT_USER, TEAM
from testkit.slack_harness import (
    CHANNEL,
    USER,
    answered,
    button_value,
    finished,
    mention,
    new_ts,
    replies_begun,
    text_of,
    until,
)


@pytest.fixture
def samples(shared_data: Path) -> Path:
    return shared_data / "slack-payloads"


def filled(path: Path, event: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    payload = json.loads(path.read_text())
    payload.update(top)
    if event is not None:
        payload["event"].update(event)
    return payload


def envelope(samples: Path, name: str, **event: Any) -> dict[str, Any]:
    return filled(samples / "events" / name, event, type="event_callback", team_id=TEAM, api_app_id="A0000001",
                  event_id="Ev" + new_ts().replace(".", ""))


pytestmark = pytest.mark.parametrize("slack_env", [{"LOREBOT_DM_SOURCES": "*"}])


async def test_sample_mention_and_dm_are_answered(slack_http, samples):
    ts = new_ts()
    mention_payload = envelope(samples, "AppMentionPayload.json", user=USER, channel=CHANNEL, ts=ts,
                               text=f"<@{BOT_USER}> How do I connect Lorebot to Slack?")
    reply = await slack_http.post(json.dumps(mention_payload), "application/json")
    assert reply.status == 200
    [final] = await answered(slack_http.api, CHANNEL, ts)
    assert "Slack app setup" in text_of(final)

    dm_ts = new_ts()
    dm = envelope(samples, "MessagePayload.json", user=USER, channel="D0000001", channel_type="im", ts=dm_ts,
                  text="Which embedding model does Lorebot use by default?")
    await slack_http.post(json.dumps(dm), "application/json")
    [dm_final] = await answered(slack_http.api, "D0000001", dm_ts)
    assert "Embeddings and models" in text_of(dm_final)


async def test_sample_noise_is_acked_and_ignored(slack_http, samples):
    thread = new_ts()
    await slack_http.event(mention("How do I set up the Discord bot?", ts=thread))
    await answered(slack_http.api, CHANNEL, thread)
    noise = [
        envelope(samples, "MessageBotPayload.json", bot_id="BOTHER01", channel=CHANNEL, ts=new_ts(), thread_ts=thread,
                 text=f"<@{BOT_USER}> a bot asking"),
        envelope(samples, "MessageChangedPayload.json", channel=CHANNEL, ts=new_ts()),
        envelope(samples, "MessageRepliedPayload.json", channel=CHANNEL, ts=new_ts()),
        envelope(samples, "AppHomeOpenedPayload.json", user=USER, channel="D0000001"),
    ]
    for payload in noise:
        assert (await slack_http.post(json.dumps(payload), "application/json")).status == 200
    # A thread broadcast and a file share are people talking: the follow-up in the answered thread counts.
    broadcast = envelope(samples, "MessageThreadBroadcastPayload.json", user=USER, channel=CHANNEL, ts=new_ts(),
                         thread_ts=thread, text="Which intent does it need?")
    await slack_http.post(json.dumps(broadcast), "application/json")
    answers = await until(lambda: len(m := [x for x in slack_http.api.messages(CHANNEL, thread) if finished(x)]) == 2
                          and m, what="the broadcast follow-up's answer")
    await slack_http.slack.replies.drain(10)
    assert len(slack_http.api.messages(CHANNEL, thread)) == 2
    assert len(replies_begun(slack_http.api)) == 2  # nothing else was answered anywhere
    assert "Discord bot setup" in text_of(answers[1])


async def test_sample_file_share_dm_is_answered(slack_http, samples):
    ts = new_ts()
    share = envelope(samples, "MessageFileSharePayload.json", user=USER, channel="D0000002", channel_type="im",
                     ts=ts, text="What should I do when Lorebot says the search module is missing?")
    await slack_http.post(json.dumps(share), "application/json")
    [final] = await answered(slack_http.api, "D0000002", ts)
    assert "Troubleshooting" in text_of(final)


async def test_sample_slash_command_and_block_action(slack_http, samples):
    command = filled(samples / "app-backend/slash-commands/SlashCommandPayload.json", command="/lore", text="help",
                     user_id=USER, channel_id=CHANNEL, team_id=TEAM, response_url=slack_http.api.response_url())
    form = urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in command.items()})
    assert (await slack_http.post(form, "application/x-www-form-urlencoded")).status == 200
    [help_reply] = await until(lambda: slack_http.api.calls("response_url"), what="the help text")
    assert "ask QUESTION" in text_of(help_reply.args)

    ts = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts)
    answer_id = button_value(final)
    action = filled(samples / "app-backend/interactive-components/BlockActionPayload.json",
                    response_url=slack_http.api.response_url())
    action["user"].update(id=USER, team_id=TEAM)
    action["team"]["id"] = TEAM
    action["channel"]["id"] = action["container"]["channel_id"] = CHANNEL
    action["message"].update(ts=final["ts"], thread_ts=ts)
    action["actions"][0].update(action_id=HELPFUL, value=answer_id, type="button")
    reply = await slack_http.post(urlencode({"payload": json.dumps(action)}), "application/x-www-form-urlencoded")
    assert reply.status == 200
    [thanks] = await until(lambda: slack_http.api.calls("chat.postEphemeral"), what="the thanks")
    assert thanks.args["thread_ts"] == ts
    bot = slack_http.slack.bot
    assert await bot.redis.xlen(bot.answers.feedback_stream) == 1


async def test_sample_edit_of_a_mention_is_not_answered_again(slack_http, samples):
    ts = new_ts()
    fields = {"user": USER, "channel": CHANNEL, "ts": ts, "text": f"<@{BOT_USER}> How do I connect Lorebot to Slack?"}
    await slack_http.post(json.dumps(envelope(samples, "AppMentionPayload.json", **fields)), "application/json")
    await answered(slack_http.api, CHANNEL, ts)
    edit = envelope(samples, "AppMentionPayload.json", **fields, edited={"user": USER, "ts": new_ts()})
    await slack_http.post(json.dumps(edit), "application/json")
    sentinel = new_ts()
    await slack_http.event(mention("How do I set up the Discord bot?", ts=sentinel))
    await answered(slack_http.api, CHANNEL, sentinel)
    await slack_http.slack.replies.drain(10)
    assert len(replies_begun(slack_http.api)) == 2
