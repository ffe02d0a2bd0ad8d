"""`lorebot gaps --forget-user`: one person's questions leave the log, the time index and the feedback
stream; their votes leave others' answers; everyone else's stay."""

from __future__ import annotations

from bot import keys
from bot.answering.answer_log import AnswerLog
from bot.types import Answer, Question


async def test_forget_user(fake_bot):
    log = AnswerLog(fake_bot.redis, fake_bot.settings.key_prefix)
    mine = [await log.record(Question("slack", "C1", f"my question {i}", user="U1"), Answer("a")) for i in range(3)]
    theirs = await log.record(Question("slack", "C1", "their question", user="U2"), Answer("a"))
    await log.feedback(mine[0], "U2", helpful=False)  # someone's vote on my answer
    await log.feedback(theirs, "U1", helpful=True)  # my vote on theirs
    await log.feedback(theirs, "U3", helpful=True)
    assert await log.forget_user("U1") == 3
    for answer_id in mine:
        assert await log.get(answer_id) is None
    assert await log.ids_between(0) == [theirs]
    kept = await fake_bot.redis.hgetall(keys.answer(fake_bot.settings.key_prefix, theirs))
    assert b"vote:U1" not in kept and b"vote:U3" in kept
    votes = await fake_bot.redis.xrange(log.feedback_stream)
    assert [(e[b"answer_id"].decode(), e[b"user"]) for _, e in votes] == [(theirs, b"U3")]
    assert await log.forget_user("U1") == 0
