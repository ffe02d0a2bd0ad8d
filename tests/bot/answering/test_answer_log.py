"""The answer log: what is kept of an answer, its outcomes, and the time index reports read."""

from __future__ import annotations

import asyncio
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


async def test_outcomes_added_at_the_same_moment_are_all_kept(redis_url, key_prefix):
    """A vote, the hand-off and the resolved button can land at once in different processes: each
    outcome is kept (a read-then-write would let the last writer drop the others)."""
    clients = [aioredis.Redis.from_url(redis_url) for _ in range(3)]  # one connection each, as replicas
    logs = [AnswerLog(c, key_prefix) for c in clients]
    for c in clients:
        await c.ping()  # connected first: the marks below then reach Redis together
    added = (Outcome.NOT_HELPFUL, Outcome.ESCALATED, Outcome.RESOLVED)
    for _ in range(5):  # several answers: an interleaving that loses one is likely in one of them
        answer_id = await logs[0].record(Question("slack", "C1", "How do I reset the VPN?", user="U1"),
                                         Answer("Use the portal [1].", confidence=0.9))
        assert all(await asyncio.gather(*(log.mark(answer_id, o) for log, o in zip(logs, added, strict=True))))
        got = await logs[0].get(answer_id)
        assert got is not None and got.outcomes[0] == Outcome.ANSWERED
        assert sorted(got.outcomes[1:]) == sorted(added)  # all three, each once
    for c in clients:
        await c.aclose()
