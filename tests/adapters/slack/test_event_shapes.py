"""Every event shape Slack sends about a message, through the real AsyncApp over signed HTTP: which are
answered (once, where), which are left alone, and what the answer's blocks hold exactly."""

from __future__ import annotations

import pytest

from bot import keys
from testkit.fakes.slack_api import BOT_ID, BOT_USER
from testkit.slack_harness import (
    APP_ID,
    CHANNEL,
    answered,
    bot_message,
    channel_join,
    edit_of,
    file_share,
    finished,
    mention,
    message,
    message_deleted,
    new_ts,
    replies_begun,
    thread_broadcast,
    until,
)

ANSWER = "Create the app from the manifest [1]."
DMS = pytest.mark.parametrize("slack_env", [{"LOREBOT_DM_SOURCES": "*"}])


@pytest.fixture
def fixed_answer(fake_openai):
    fake_openai.reply = lambda messages: ANSWER


def first_section(message: dict) -> str:
    return message["blocks"][0]["text"]["text"]


async def settle(slack_http, channel: str = CHANNEL) -> str:
    """Send a question last and wait for its answer: every event sent before it was handled by then."""
    sentinel = new_ts()
    await slack_http.event(mention("How do I connect Lorebot to Slack?", channel=channel, ts=sentinel))
    await answered(slack_http.api, channel, sentinel)
    await slack_http.slack.replies.drain(10)
    return sentinel


async def test_an_edit_never_brings_a_second_answer_however_late(slack_http, fixed_answer):
    ts = new_ts()
    question = mention("How do I connect Lorebot to Slack?", ts=ts)
    await slack_http.event(question, event_id="EvFirst")
    await answered(slack_http.api, CHANNEL, ts)
    bot = slack_http.slack.bot
    claim = keys.event_claim(bot.settings.key_prefix, f"slack:{CHANNEL}:{ts}")
    assert await bot.redis.ttl(claim) > 3 * 86400  # far past Slack's retries (minutes)

    again, changed = edit_of(question, f"<@{BOT_USER}> How do I connect Lorebot to Slack, in Socket Mode?")
    await slack_http.event(again, event_id="EvEdit1")
    await slack_http.event(changed, event_id="EvEdit2")
    await bot.redis.delete(claim)  # long after: the claim is gone
    again_later, changed_later = edit_of(question, f"<@{BOT_USER}> And over HTTP?")
    await slack_http.event(again_later, event_id="EvEdit3")
    await slack_http.event(changed_later, event_id="EvEdit4")
    await settle(slack_http)
    assert len(slack_http.api.messages(CHANNEL, ts)) == 1
    assert len(replies_begun(slack_http.api)) == 2  # the question and the sentinel, nothing else


@DMS
async def test_every_form_of_address_is_answered_once_in_its_thread(slack_http, fixed_answer):
    thread = new_ts()
    await slack_http.event(message("Anyone know how the Slack app is set up?", ts=thread))  # not addressed
    in_thread = mention("How do I connect Lorebot to Slack?", thread_ts=thread)
    await slack_http.event(in_thread)
    await slack_http.event(message(in_thread["text"], ts=in_thread["ts"], thread_ts=thread))  # its message twin
    shared = file_share(f"<@{BOT_USER}> What does this error mean?")
    await slack_http.event({**shared, "type": "app_mention"})  # a file share that mentions: both events come
    await slack_http.event(shared)
    dm = message("How do I connect Lorebot to Slack?", channel="D0000003", channel_type="im")
    await slack_http.event(dm)

    for channel, where in ((CHANNEL, thread), (CHANNEL, shared["ts"]), ("D0000003", dm["ts"])):
        [final] = await answered(slack_http.api, channel, where)
        assert first_section(final).startswith("Create the app from the manifest ")
    await slack_http.slack.replies.drain(10)
    assert len(replies_begun(slack_http.api)) == 3
    assert slack_http.api.messages(CHANNEL, in_thread["ts"]) == []  # in the thread, not under the reply


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_ANSWER_BOTS": "true"}])
async def test_what_is_never_answered(slack_http, fixed_answer):
    thread = new_ts()
    root = mention("How do I set up the Discord bot?", ts=thread)
    await slack_http.event(root)
    await answered(slack_http.api, CHANNEL, thread)
    own = f"<@{BOT_USER}> How do I connect Lorebot to Slack?"
    never = [
        message_deleted(root),
        channel_join(),
        channel_join(user=BOT_USER),
        message(own, thread_ts=thread, user=BOT_USER),  # Lorebot's own message, by its user...
        bot_message(own, bot_id=BOT_ID, thread_ts=thread),  # ... by its bot id...
        bot_message(own, bot_id="BOTHER02", app_id=APP_ID, thread_ts=thread),  # ... by its app...
        bot_message(own, bot_id="BOTHER03", app_id="", thread_ts=thread, bot_profile={"app_id": APP_ID}),
        {"type": "message", "subtype": "message_replied", "hidden": True, "channel": CHANNEL, "ts": new_ts(),
         "message": {**root, "reply_count": 1}},
    ]
    for event in never:
        assert (await slack_http.event(event)).status == 200
    await settle(slack_http)
    assert len(slack_http.api.messages(CHANNEL, thread)) == 1
    assert len(replies_begun(slack_http.api)) == 2


async def test_a_thread_broadcast_is_answered_once_in_its_thread_never_at_the_top(slack_http, fixed_answer):
    thread = new_ts()
    root = mention("How do I set up the Discord bot?", ts=thread)
    await slack_http.event(root)
    await answered(slack_http.api, CHANNEL, thread)
    broadcast = thread_broadcast(f"<@{BOT_USER}> Which intent does it need?", thread, root)
    await slack_http.event({**broadcast, "type": "app_mention"})
    await slack_http.event(broadcast)  # the channel's copy: the same message, the same ts
    answers = await until(lambda: len(m := [x for x in slack_http.api.messages(CHANNEL, thread) if finished(x)]) == 2
                          and m, what="the broadcast reply's answer")
    await settle(slack_http)
    assert len(slack_http.api.messages(CHANNEL, thread)) == 2
    assert slack_http.api.messages(CHANNEL, broadcast["ts"]) == []
    assert first_section(answers[1]).startswith("Create the app from the manifest ")


async def test_other_bots_are_not_answered_by_default(slack_http, fixed_answer):
    await slack_http.event(bot_message(f"<@{BOT_USER}> How do I connect Lorebot to Slack?", bot_id="BOTHER01"))
    await settle(slack_http)
    assert len(replies_begun(slack_http.api)) == 1


NOTES = ("The checkout tests live in https://git.example.com/acme/web/tree/main/src/__tests__/checkout and run "
         "on every merge [1].\n\nDuring a SEV1 outage, follow the [incident runbook]"
         "(https://wiki.example.com/wiki/Incident_response_(SEV1)) before paging anyone.\n\n"
         "> The page says: <!channel> @here ping <@U0000002> and <!subteam^S0001|oncall> & co\n\n"
         "```\nif a < b: __x__ = '**y**'\n```")


async def test_an_answer_reaches_slack_with_urls_code_and_no_pings(slack_http, fake_openai):
    fake_openai.reply = lambda messages: NOTES
    ts = new_ts()
    # a question the sample docs cover (the scripted reply is what is rendered)
    await slack_http.event(mention("How do I connect Lorebot to Slack?", ts=ts))
    [final] = await answered(slack_http.api, CHANNEL, ts)
    body = final["blocks"][0]["text"]
    assert body["verbatim"] is True  # Slack parses no mention or link Lorebot did not write as markup
    assert final["blocks"][1]["text"]["text"].split("\n")[1].startswith("*[1]* ")  # the source cited
    assert body["text"] == (
        "The checkout tests live in <https://git.example.com/acme/web/tree/main/src/__tests__/checkout> and run "
        "on every merge [1].\n\n"
        "During a SEV1 outage, follow the <https://wiki.example.com/wiki/Incident_response_(SEV1)|incident runbook> "
        "before paging anyone.\n\n"
        "> The page says: &lt;!channel&gt; @\u2060here ping &lt;@U0000002&gt; and &lt;!subteam^S0001|oncall&gt; "
        "&amp; co\n\n"
        "```\nif a &lt; b: __x__ = '**y**'\n```")
