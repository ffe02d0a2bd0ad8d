"""The answer log: what is kept of an answer, its outcomes, and the time index reports read."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from bot.answering.answer_log import AnswerLog, Outcome
from bot.types import Answer, AnswerMode, Question, Reason


async def test_outcomes_follow_an_answer_and_the_time_index_finds_it(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    log = AnswerLog(client, key_prefix)
    q = Question("slack", "C1", "How do I reset the VPN?", user="U1", thread="1.2")
    before = time.time()
    abstained = await log.record(q, Answer("Not covered.", mode=AnswerMode.NOTICE, error=Reason.NOT_COVERED,
                                           confidence=0.12, answered=False))
    answered = await log.record(q, Answer("Use the portal [1].", confidence=0.9))
    got = await log.get(abstained)
    assert got is not None
    assert (got.scope, got.conversation, got.user, got.answered) == ("slack:C1", "slack:C1:1.2", "U1", False)
    assert got.confidence == 0.12 and got.outcomes == (Outcome.ABSTAINED,)
    assert await log.mark(abstained, Outcome.ESCALATED) and await log.mark(abstained, Outcome.ESCALATED)
    assert await log.feedback(answered, "U2", helpful=False)
    assert (await log.get(abstained)).outcomes == (Outcome.ABSTAINED, Outcome.ESCALATED)
    assert (await log.get(answered)).outcomes == (Outcome.ANSWERED, Outcome.NOT_HELPFUL)
    assert await log.ids_between(before) == [abstained, answered]
    assert await log.ids_between(time.time() + 60) == []
    assert await log.mark("f" * 16, Outcome.RESOLVED) is False
    await client.aclose()
