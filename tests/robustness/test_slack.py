"""The Slack HTTP path under attack and load, on the real AsyncApp, the fake Slack API and the fake
model: forged and replayed requests are refused and answer nothing (and no token reaches the logs);
a document's `<!channel>` never becomes a live mention; 200 questions from 20 channels at once are
each answered exactly once, in their own thread (`pytest -s` shows its p50/p95)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from bench.common import percentile
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.exports import page, write_pages
from testkit.fakes.slack_api import FakeSlack
from testkit.robustness.slack_load import slack_load
from testkit.slack_harness import (
    CHANNEL,
    answered,
    event_callback,
    mention,
    new_ts,
    signed,
    slash_command,
    text_of,
)
from tests.adapters.slack.conftest import slack_bot, slack_http, slack_settings  # noqa: F401 (fixtures)

BOT_TOKEN = "xoxb-canary-slack-bot-8675309"
SIGNING_SECRET = "canary-signing-secret-8675309"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def slack_api() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN) as server:
        yield server


@pytest.fixture
def slack_env() -> dict[str, object]:
    return {"SLACK_SIGNING_SECRET": SIGNING_SECRET}


async def raw_post(http, body: str, headers: dict[str, str]) -> int:
    async with http.session.post(http.url + "/slack/events", data=body.encode(), headers=headers) as r:
        return r.status


async def test_forged_and_replayed_requests_answer_nothing(slack_http, slack_bot, fake_openai, capfd,
                                                           lorebot_logging):
    lorebot_logging(slack_bot.settings.model_copy(update={"log_level": "DEBUG"}))
    ts = new_ts()
    body = json.dumps(event_callback(mention("How do I connect Lorebot to Slack?", ts=ts)))
    other = json.dumps(event_callback(mention("Which Discord intent must I enable?", ts=ts)))
    link_hidden = urlencode(slash_command("link hidden-source", slack_http.api.response_url()))
    now = int(time.time())
    good = signed(body, JSON, secret=SIGNING_SECRET)
    forgeries = {
        "no signature": (body, {"Content-Type": JSON}),
        "guessed secret": (body, signed(body, JSON, secret="guess")),
        "signed with the bot token": (body, signed(body, JSON, secret=BOT_TOKEN)),
        "replayed 6 minutes later": (body, signed(body, JSON, secret=SIGNING_SECRET, timestamp=now - 360)),
        "dated in the future": (body, signed(body, JSON, secret=SIGNING_SECRET, timestamp=now + 600)),
        "body changed after signing": (other, good),
        "empty signature": (body, {**good, "X-Slack-Signature": "v0="}),
        "forged admin command": (link_hidden, signed(link_hidden, FORM, secret="guess")),
    }
    statuses = await asyncio.gather(*(raw_post(slack_http, b, h) for b, h in forgeries.values()))
    assert dict(zip(forgeries, statuses)) == {name: 401 for name in forgeries}

    # A genuine request replayed at once (within the 5 minutes a signature is good for): one answer.
    replays = await asyncio.gather(*(raw_post(slack_http, body, good) for _ in range(5)))
    assert set(replays) == {200}
    await answered(slack_http.api, CHANNEL, ts)
    await slack_http.slack.replies.drain(10)
    assert len(slack_http.api.messages(CHANNEL, ts)) == 1
    assert len(slack_http.api.calls("chat.postMessage")) == 1
    assert len(fake_openai.requests_to("/chat/completions")) == 1
    linked = set(await Registry(slack_bot.redis, slack_bot.settings.key_prefix).linked(f"slack:{CHANNEL}"))
    assert linked == {"lorebot-docs"} and not slack_http.api.calls("response_url")  # the forged /lore link

    logs = capfd.readouterr().err
    assert "DEBUG" in logs and "chat.postMessage" in logs  # the client's requests were logged...
    assert BOT_TOKEN not in logs and SIGNING_SECRET not in logs  # ...without the secrets


async def test_a_non_numeric_timestamp_is_refused_as_unsigned(slack_http, fake_openai):
    body = json.dumps(event_callback(mention("How do I connect Lorebot to Slack?")))
    headers = {**signed(body, JSON, secret=SIGNING_SECRET), "X-Slack-Request-Timestamp": "soon"}
    status = await raw_post(slack_http, body, headers)
    assert not slack_http.api.calls("chat.postMessage")  # refused either way: nothing is answered
    assert status == 401


async def test_a_documents_mentions_are_not_live_in_slack(slack_http, slack_bot, tmp_path):
    root = write_pages(tmp_path / "ops", {"oncall.md": page("On-call", "Page <!channel> <!here> and "
                                                            "<!everyone> and <@U0BOSS> now, @everyone.")})
    await indexer_for(slack_bot).sync("ops", root)
    await Registry(slack_bot.redis, slack_bot.settings.key_prefix).link("ops", f"slack:{CHANNEL}")
    ts = new_ts()
    await slack_http.event(mention("Who do I page when on call?", ts=ts), secret=SIGNING_SECRET)
    [final] = await answered(slack_http.api, CHANNEL, ts)
    shown = text_of(final) + json.dumps(final.get("blocks")) + final.get("text", "")
    assert "&lt;!channel&gt;" in shown  # the document's text is there, as text
    for live in ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>"):
        assert live not in shown


async def test_200_questions_from_20_channels_at_once(slack_http, slack_bot, fake_openai):
    result = await slack_load(slack_http, slack_bot, SIGNING_SECRET, channels=20, per_channel=10)
    assert result.problems == []
    assert len(result.latencies) == 200 and len(fake_openai.requests_to("/chat/completions")) == 200
    print(f"\nSlack load, 200 questions / 20 channels in {result.seconds:.1f} s: ack p95 "
          f"{percentile(result.acks, 95):.3f} s; answer p50 {percentile(result.latencies, 50):.2f} s, "
          f"p95 {percentile(result.latencies, 95):.2f} s")
    # Ack and answer latencies are figures (bench.robustness, bench.slack_latency), not assertions here.
