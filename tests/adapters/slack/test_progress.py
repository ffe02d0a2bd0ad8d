"""Progress edits through the real AsyncWebClient to the fake Slack API: throttled per message, within
the process's budget, paused when Slack rate-limits, and never after the final answer."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.slack.app import web_client
from adapters.slack.progress import EditBudget, Progress
from adapters.slack.render import LOADING, SlackMessage, section
from testkit.slack_harness import CHANNEL, text_of

FINAL = SlackMessage("final answer", [section("final answer")])


@pytest.fixture
def clients(slack_settings):
    settings = slack_settings()
    return web_client(settings), web_client(settings, retry_ratelimited=False)


async def stream(progress: Progress, seconds: float) -> int:
    """Feed growing text every 10 ms for `seconds`; return how many pieces were fed."""
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        n += 1
        await progress.text("word " * n)
        await asyncio.sleep(0.01)
    return n


async def test_edits_are_throttled_and_the_final_answer_comes_last(slack_api, clients):
    progress = Progress(*clients, EditBudget(per_minute=6000, burst=100), CHANNEL, "1.000001", interval=0.2)
    await progress.start()
    fed = await stream(progress, 1.1)
    await progress.finish([FINAL])
    updates = slack_api.calls("chat.update")
    assert fed > 50
    assert 3 <= len(updates) - 1 <= 6  # about one edit per 0.2 s, plus the final
    assert "word word" in text_of(updates[0].args) and "_writing…_" in text_of(updates[0].args)
    assert text_of(updates[-1].args) == "final answer"
    [message] = slack_api.messages(CHANNEL, "1.000001")
    assert text_of(message) == "final answer"
    assert slack_api.calls("chat.postMessage")[0].args["text"] == LOADING


async def test_the_process_wide_budget_caps_edits(slack_api, clients):
    budget = EditBudget(per_minute=6, burst=2)
    progresses = [Progress(*clients, budget, CHANNEL, f"2.00000{i}", interval=0.05) for i in range(3)]
    for p in progresses:
        await p.start()
    await asyncio.gather(*(stream(p, 0.6) for p in progresses))
    for p in progresses:
        await p.finish([FINAL])
    assert len(slack_api.calls("chat.update")) - len(progresses) == 2  # the burst, then nothing for 10 s


async def test_a_rate_limited_edit_pauses_edits_without_delaying_the_answer(slack_api, clients):
    slack_api.ratelimit_next("chat.update", retry_after=30)
    budget = EditBudget(per_minute=6000, burst=100)
    progress = Progress(*clients, budget, CHANNEL, "3.000001", interval=0.05)
    await progress.start()
    await stream(progress, 0.5)
    start = time.monotonic()
    await progress.finish([FINAL])
    assert time.monotonic() - start < 5
    assert len(slack_api.calls("chat.update")) == 2  # the refused edit, then only the final answer
    assert not budget.take()  # paused for Slack's Retry-After
    assert text_of(slack_api.messages(CHANNEL, "3.000001")[0]) == "final answer"


async def test_a_lost_placeholder_is_replaced_by_a_new_message(slack_api, clients):
    slack_api.fail_next("chat.update", "message_not_found")  # someone deleted the placeholder
    progress = Progress(*clients, EditBudget(), CHANNEL, "4.000001")
    await progress.start()
    await progress.finish([FINAL, SlackMessage("(continued)", [section("second part")])])
    texts = [text_of(m) for m in slack_api.messages(CHANNEL, "4.000001")]
    assert texts == [LOADING, "final answer", "second part"]
