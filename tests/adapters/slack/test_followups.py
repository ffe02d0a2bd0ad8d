"""Follow-ups in the Slack process against the fake Slack: a question abstained on is answered in its
thread, once, after a sync adds the page that answers it; the weekly digest goes to the chosen channel
with that channel's gaps only, once a week, within Slack's limits (the fake refuses what Slack refuses)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.chat.followups import UPDATED, Followups
from adapters.slack.app import web_client
from adapters.slack.followups import SlackPoster
from bot.channels import ChannelStore, Digest, Weekday
from bot.types import Question
from ingest.context import IngestContext
from ingest.source_sync import sync_export
from ingest.sources import Registry
from testkit.slack_harness import CHANNEL, USER, text_of
from tests.bot.insights.traffic import UNCOVERED, abstained

PARKING = """# Parking at the office

Employees request a parking permit from the facilities desk on the ground floor. The permit is valid
for one year; the garage entrance is on Mill Street and opens at 6:30.
"""


async def test_abstained_question_answered_in_its_thread_once_after_a_sync(slack_bot, slack_api, tmp_path: Path):
    bot = slack_bot
    docs = tmp_path / "team-docs"
    docs.mkdir()
    (docs / "lunch.md").write_text("# Lunch\n\nThe canteen opens at noon and closes at two.\n")
    ctx = IngestContext.of(bot)
    assert (await sync_export(ctx, "team-docs", docs, None)).ok
    await Registry(bot.redis, bot.settings.key_prefix).link("team-docs", f"slack:{CHANNEL}")
    await ChannelStore(bot.redis, bot.settings.key_prefix).update(f"slack:{CHANNEL}", reanswer=True)
    thread = "1600000099.000100"
    question = Question("slack", CHANNEL, "How do I request a parking permit at the office?", user=USER, thread=thread)
    asked = await bot.answers.record(question, abstained())
    elsewhere = Question("slack", "C0000002", question.text, user=USER, thread="1600000098.000100")  # not opted in
    await bot.answers.record(elsewhere, abstained())

    followups = Followups(bot, SlackPoster(web_client(bot.settings)), 600)
    await followups.join()
    (docs / "parking.md").write_text(PARKING)
    assert (await sync_export(ctx, "team-docs", docs, None)).added == 1
    assert await followups.read_changes(100) == 1

    posted = slack_api.messages(CHANNEL, thread)
    assert len(posted) == 1
    shown = text_of(posted[0])
    assert UPDATED in shown and f"<@{USER}>" in shown and "Parking at the office" in shown
    assert not slack_api.messages("C0000002")
    assert "reanswered" in (await bot.answers.get(asked)).outcomes

    (docs / "parking.md").write_text(PARKING + "\nVisitors park in the same garage.\n")  # another change
    assert (await sync_export(ctx, "team-docs", docs, None)).changed == 1
    assert await followups.read_changes(100) == 1
    assert len(slack_api.messages(CHANNEL, thread)) == 1  # once


async def test_weekly_digest_goes_to_its_target_with_that_channels_gaps_only(slack_bot, slack_api):
    bot = slack_bot
    channels = ChannelStore(bot.redis, bot.settings.key_prefix)
    await channels.update(f"slack:{CHANNEL}", digest=Digest.WEEKLY, digest_to="slack:C0000DIG")
    await channels.update("discord:77", digest=Digest.WEEKLY, digest_to="discord:78")  # another platform's
    for i, text in enumerate(UNCOVERED["vpn"] + ["x" * 3000 + " very long question about badges?"]):
        await bot.answers.record(Question("slack", CHANNEL, text, user=f"U{i}"), abstained())
    secret = "What is the acquisition code name of project Nightingale?"
    await bot.answers.record(Question("slack", "C0000002", secret, user="U9"), abstained())

    followups = Followups(bot, SlackPoster(web_client(bot.settings)), 600)
    now = time.time() + 60
    assert await followups.post_digests(now) == [f"slack:{CHANNEL}"]
    digest = "\n".join(text_of(m) for m in slack_api.messages("C0000DIG"))
    assert "Knowledge gaps" in digest and UNCOVERED["vpn"][0] in digest
    assert "Nightingale" not in digest
    assert await followups.post_digests(now + 60) == []  # once a week
    assert len(slack_api.messages("C0000DIG")) == 1


def next_due(day: Weekday, hour: int, after: float) -> float:
    """The first `day` at `hour`:00 UTC after `after` (Unix seconds)."""
    moment = datetime.fromtimestamp(after, UTC)
    at = datetime(moment.year, moment.month, moment.day, hour, tzinfo=UTC)
    at += timedelta(days=(day.ordinal - at.weekday()) % 7)
    return (at if at.timestamp() > after else at + timedelta(days=7)).timestamp()


async def test_digest_waits_for_its_day_and_hour_and_a_failed_post_is_tried_again(slack_bot, slack_api):
    bot = slack_bot
    channels = ChannelStore(bot.redis, bot.settings.key_prefix)
    await channels.update(f"slack:{CHANNEL}", digest=Digest.WEEKLY, digest_to="slack:C0000DIG",
                          digest_day=Weekday.WED, digest_hour=9)
    for i, text in enumerate(UNCOVERED["vpn"]):  # asked through the core (the fake model): gaps
        await bot.answer(Question("slack", CHANNEL, text, user=f"U{i}", thread=f"{i}.1"))
    due = next_due(Weekday.WED, 9, time.time() + 60)
    followups = Followups(bot, SlackPoster(web_client(bot.settings)), 600)
    assert await followups.post_digests(due - 60) == []  # Wednesday, 08:59 UTC: not yet
    slack_api.not_in_channel.add("C0000DIG")  # Slack refuses: the app was not invited there
    assert await followups.post_digests(due + 60) == [] and not slack_api.messages("C0000DIG")
    slack_api.not_in_channel.discard("C0000DIG")  # invited since: the next check posts the week's digest
    assert await followups.post_digests(due + 120) == [f"slack:{CHANNEL}"]
    assert UNCOVERED["vpn"][0] in text_of(slack_api.messages("C0000DIG")[0])
    assert await followups.post_digests(due + 180) == []  # once a week
    assert len(slack_api.messages("C0000DIG")) == 1


async def test_two_replicas_post_a_digest_once(slack_bot, slack_api):
    bot = slack_bot
    await ChannelStore(bot.redis, bot.settings.key_prefix).update(
        f"slack:{CHANNEL}", digest=Digest.WEEKLY, digest_to="slack:C0000DIG", digest_day=Weekday.FRI, digest_hour=17)
    for i, text in enumerate(UNCOVERED["expenses"]):
        await bot.answer(Question("slack", CHANNEL, text, user=f"U{i}", thread=f"{i}.1"))
    due = next_due(Weekday.FRI, 17, time.time() + 60)
    replicas = [Followups(bot, SlackPoster(web_client(bot.settings)), 600) for _ in range(2)]
    results = await asyncio.gather(*(r.post_digests(due + 1) for r in replicas))
    assert sorted(map(len, results)) == [0, 1] and len(slack_api.messages("C0000DIG")) == 1
