"""The real AsyncApp over HTTP: signed Events API requests in, Web API calls out to the fake Slack."""

from __future__ import annotations

import json
import time

import pytest

from adapters.slack.render import LOADING
from testkit.fakes.slack_api import BOT_ID, BOT_USER
from testkit.slack_harness import (
    CHANNEL,
    USER,
    answered,
    event_callback,
    finished,
    has_feedback,
    mention,
    message,
    new_ts,
    replies_begun,
    text_of,
    until,
)


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_STREAMING": "off"}])  # streamed: test_streaming.py
async def test_mention_is_acked_at_once_and_answered_in_its_thread(slack_http, fake_openai):
    ts = new_ts()
    reply = await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts))
    assert reply.status == 200 and reply.seconds < 3
    [final] = await answered(slack_http.api, CHANNEL, ts)
    first_post = slack_http.api.calls("chat.postMessage")[0]
    assert first_post.args["thread_ts"] == ts and first_post.args["text"] == LOADING
    text = text_of(final)
    assert "[1]" in text and "*[1]* Slack app setup" in text  # the mark, and the source it names
    assert has_feedback(final)
    question = fake_openai.requests_to("/chat/completions")[-1].json["messages"][-1]["content"]
    assert "How do I connect Lorebot to Slack?" in question and f"<@{BOT_USER}>" not in question


async def test_bad_signature_and_stale_timestamp_are_rejected(slack_http):
    body = json.dumps(event_callback(mention("How do I connect Lorebot to Slack?")))
    bad = await slack_http.post(body, "application/json", secret="not-the-secret")
    stale = await slack_http.post(body, "application/json", timestamp=int(time.time()) - 600)
    assert bad.status == 401 and stale.status == 401
    good = await slack_http.post(body, "application/json")
    assert good.status == 200
    await until(lambda: replies_begun(slack_http.api), what="the good request's answer")
    await slack_http.slack.replies.drain(10)
    assert len(replies_begun(slack_http.api)) == 1


async def test_url_verification_and_health_check(slack_http):
    reply = await slack_http.post(json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}),
                                  "application/json")
    assert reply.status == 200 and "abc123" in reply.body
    async with slack_http.session.get(slack_http.url + "/healthz") as r:
        assert r.status == 200 and (await r.json())["ok"] is True


async def test_retries_and_the_message_twin_of_a_mention_get_one_answer(slack_http):
    ts = new_ts()
    event = mention("Which Discord intent must I enable?", ts=ts)
    twin = message(event["text"], ts=ts)  # Slack also sends the mention as a message event
    first = await slack_http.event(event, event_id="Ev1")
    retry = await slack_http.event(event, event_id="Ev1", headers={"X-Slack-Retry-Num": "1",
                                                                    "X-Slack-Retry-Reason": "http_timeout"})
    other = await slack_http.event(twin, event_id="Ev2")
    assert {first.status, retry.status, other.status} == {200}
    # A later question, answered after all three were handled, closes the window for duplicates.
    later = new_ts()
    await slack_http.event(mention("How do I make a source re-sync every 6 hours?", ts=later))
    await answered(slack_http.api, CHANNEL, later)
    await slack_http.slack.replies.drain(10)
    assert len(slack_http.api.messages(CHANNEL, ts)) == 1
    assert len(replies_begun(slack_http.api, ts)) == 1


async def test_own_and_other_bots_messages_are_ignored(slack_http):
    thread = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=thread))
    await answered(slack_http.api, CHANNEL, thread)
    own = message(f"<@{BOT_USER}> hello me", thread_ts=thread, user=BOT_USER, bot_id=BOT_ID)
    other_bot = message(f"<@{BOT_USER}> How do I connect Lorebot to Slack?", user="", bot_id="BOTHER01",
                        subtype="bot_message")
    for event in (own, other_bot):
        assert (await slack_http.event(event)).status == 200
    sentinel = new_ts()
    await slack_http.event(message("How do I connect Lorebot to Slack?", channel="D0000009", channel_type="im",
                                   ts=sentinel))
    await answered(slack_http.api, "D0000009", sentinel)
    await slack_http.slack.replies.drain(10)
    assert len(slack_http.api.messages(CHANNEL, thread)) == 1
    assert slack_http.api.messages(CHANNEL, other_bot["ts"]) == []


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_ANSWER_BOTS": "true"}])
async def test_other_bots_are_answered_when_configured(slack_http):
    event = message(f"<@{BOT_USER}> How do I connect Lorebot to Slack?", user="", bot_id="BOTHER01",
                    subtype="bot_message")
    await slack_http.event(event)
    [final] = await answered(slack_http.api, CHANNEL, event["ts"])
    assert "Slack app setup" in text_of(final)


async def test_follow_up_in_the_thread_needs_no_mention_and_uses_the_threads_memory(slack_http, fake_openai):
    thread = new_ts()
    await slack_http.event(mention("How do I set up the Discord bot?", ts=thread))
    await answered(slack_http.api, CHANNEL, thread)
    await slack_http.event(message("Which intent does it need?", thread_ts=thread))
    answers = await until(lambda: len(m := [x for x in slack_http.api.messages(CHANNEL, thread) if finished(x)]) == 2
                          and m, what="the follow-up's answer")
    assert "Discord bot setup" in text_of(answers[1])
    prompt = fake_openai.requests_to("/chat/completions")[-1].json["messages"]
    history = " ".join(m["content"] for m in prompt[:-1])
    assert "How do I set up the Discord bot?" in history  # the thread's memory reached the model


async def test_follow_up_addressed_to_someone_else_is_left_alone(slack_http):
    thread = new_ts()
    await slack_http.event(mention("How do I set up the Discord bot?", ts=thread))
    await answered(slack_http.api, CHANNEL, thread)
    await slack_http.event(message("<@U0000002> can you check the intent?", thread_ts=thread))
    await slack_http.event(message("And top-level chatter is not for the bot"))
    sentinel = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=sentinel))
    await answered(slack_http.api, CHANNEL, sentinel)
    await slack_http.slack.replies.drain(10)
    assert len(slack_http.api.messages(CHANNEL, thread)) == 1
    assert len(replies_begun(slack_http.api)) == 2


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_THREAD_FOLLOWUPS": "false"}])
async def test_follow_ups_need_a_mention_when_configured(slack_http):
    thread = new_ts()
    await slack_http.event(mention("How do I set up the Discord bot?", ts=thread))
    await answered(slack_http.api, CHANNEL, thread)
    await slack_http.event(message("Which intent does it need?", thread_ts=thread))
    await slack_http.event(mention("Which intent does it need?", thread_ts=thread))
    answers = await until(lambda: len(m := [x for x in slack_http.api.messages(CHANNEL, thread) if finished(x)]) == 2
                          and m, what="the mentioned follow-up's answer")
    await slack_http.slack.replies.drain(10)
    assert len(slack_http.api.messages(CHANNEL, thread)) == 2
    assert "Discord bot setup" in text_of(answers[1])


@pytest.mark.parametrize("slack_env", [{"LOREBOT_DM_SOURCES": "*"}])
async def test_direct_messages_are_answered_in_a_thread(slack_http):
    ts = new_ts()
    await slack_http.event(message("Which embedding model does Lorebot use by default?", channel="D0000001",
                                   channel_type="im", ts=ts))
    [final] = await answered(slack_http.api, "D0000001", ts)
    assert "Embeddings and models" in text_of(final) and has_feedback(final)
    await slack_http.event(message("Can I change it?", channel="D0000001", channel_type="im", thread_ts=ts))
    await until(lambda: len([m for m in slack_http.api.messages("D0000001", ts) if finished(m)]) == 2,
                what="the DM follow-up")


async def test_forget_by_mention_clears_the_threads_memory(slack_http):
    thread = new_ts()
    await slack_http.event(mention("How do I set up the Discord bot?", ts=thread))
    await answered(slack_http.api, CHANNEL, thread)
    conversation = f"slack:{CHANNEL}:{thread}"
    assert await slack_http.slack.bot.memory.recent(conversation)
    await slack_http.event(mention("forget", thread_ts=thread))
    done = await until(lambda: len(m := slack_http.api.messages(CHANNEL, thread)) == 2 and m[1])
    assert "forgotten" in text_of(done)
    assert await slack_http.slack.bot.memory.recent(conversation) == []


async def test_user_id_is_the_questions_user(slack_http):
    ts = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts, user=USER))
    await answered(slack_http.api, CHANNEL, ts)
    rec = await slack_http.slack.bot.redis.keys(f"{slack_http.slack.bot.settings.key_prefix}:answer:*")
    stored = await slack_http.slack.bot.redis.hgetall(rec[0])
    assert stored[b"user"].decode() == USER and stored[b"conversation"].decode() == f"slack:{CHANNEL}:{ts}"
