"""When a weekly digest is due: from its day and hour (UTC) in each ISO week until the week ends."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.chat.digest_schedule import due_this_week
from bot.channels import ChannelConfig, Digest, Weekday


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_due_from_its_day_and_hour_until_the_week_ends():
    config = ChannelConfig(digest=Digest.WEEKLY, digest_to="slack:C9", digest_day=Weekday.WED, digest_hour=9)
    assert due_this_week(config, at("2026-12-02T08:59:59")) is None  # a Wednesday, before nine
    due = due_this_week(config, at("2026-12-02T09:00:00"))
    assert due is not None and (due.week, due.due) == ("2026-W49", at("2026-12-02T09:00:00"))
    assert due_this_week(config, at("2026-12-06T23:59:00")).week == "2026-W49"  # still due on Sunday
    assert due_this_week(config, at("2026-12-07T10:00:00")) is None  # Monday of the next week


def test_by_default_due_as_the_week_starts():
    due = due_this_week(ChannelConfig(digest=Digest.WEEKLY, digest_to="slack:C9"), at("2027-01-04T00:00:00"))
    assert due is not None and due.week == "2027-W01"
    assert due_this_week(ChannelConfig(), at("2026-01-01T12:00:00")).week == "2026-W01"  # ISO week of 2025-12-29
