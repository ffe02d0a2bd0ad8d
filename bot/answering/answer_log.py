"""The answer log: every answer is kept for a while with its question, where it was asked, how sure
Lorebot was and what became of it (its outcomes: answered or abstained, then helpful / not helpful,
escalated to a person, resolved), so feedback is stored with what it judged and reports can find
the questions the documents did not answer.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from bot import keys
from bot.types import MAX_QUESTION_CHARS, Answer, Question

ANSWER_TTL = 90 * 24 * 3600

# KEYS[1] the answer's hash, ARGV[1] an outcome: appended to its comma-separated "outcomes" unless there
# already; 0 when the answer is not logged (expired or a forged id), else 1.
_ADD_OUTCOME = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local have = redis.call('HGET', KEYS[1], 'outcomes') or ''
for o in string.gmatch(have, '[^,]+') do
  if o == ARGV[1] then return 1 end
end
if have == '' then have = ARGV[1] else have = have .. ',' .. ARGV[1] end
redis.call('HSET', KEYS[1], 'outcomes', have)
return 1
"""


class Outcome(StrEnum):
    """What happened to a question. ANSWERED or ABSTAINED is recorded with the answer; the others are
    added later by people (votes, the hand-off and resolved buttons, a person's reply). A question a
    person answered while Lorebot waited (auto mode with a wait) is recorded with ANSWERED_BY_PERSON
    alone: Lorebot gave no answer."""

    ANSWERED = "answered"
    ABSTAINED = "abstained"
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REANSWERED = "reanswered"  # answered later, after a sync, in its thread (bot/insights/reanswer.py)
    ANSWERED_BY_PERSON = "answered_by_person"  # a person replied first; Lorebot stayed out


@dataclass(frozen=True)
class LoggedAnswer:
    """One answer as the log holds it. `ts` in Unix seconds; `outcomes` in the order they happened."""

    id: str
    question: str
    answer: str
    scope: str
    conversation: str
    user: str
    mode: str
    ts: float
    confidence: float
    answered: bool
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)
    citations: tuple[dict[str, object], ...] = ()
    thread: str = ""  # Question.thread: where a later reply goes ("" outside threads)


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


class AnswerLog:
    def __init__(self, redis: Redis, prefix: str, ttl_seconds: int = ANSWER_TTL):
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl_seconds

    def _key(self, answer_id: str) -> str:
        return keys.answer(self.prefix, answer_id)

    @property
    def feedback_stream(self) -> str:
        return keys.feedback(self.prefix)

    async def record(self, q: Question, answer: Answer) -> str:
        """Keep the answer (for `ttl_seconds`) and return its id."""
        outcome = Outcome.ANSWERED if answer.answered else Outcome.ABSTAINED
        return await self._write(q, {
            "answer": answer.text,
            "citations": json.dumps([c.to_dict() for c in answer.citations]),
            "mode": answer.mode.value,
            "error": answer.error.value if answer.error else "",
            "confidence": answer.confidence,
            "answered": "1" if answer.answered else "0",
            "outcomes": outcome.value,
        })

    async def record_answered_by_person(self, q: Question) -> str:
        """Keep a question a person answered before Lorebot did (it waited, people first, and stayed out)
        and return its id. It has no answer, citations or confidence of Lorebot's (`get` reads the
        missing confidence as 1.0); `answered` is false: the documents were not shown to answer it."""
        return await self._write(q, {"answer": "", "citations": "[]", "mode": "", "error": "", "confidence": "",
                                     "answered": "0", "outcomes": Outcome.ANSWERED_BY_PERSON.value})

    async def _write(self, q: Question, fields: dict[FieldT, EncodableT]) -> str:
        answer_id = uuid.uuid4().hex[:16]
        now = time.time()
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self._key(answer_id), mapping={
            # As written (its lines kept for people reading it), but never more than the core answered: it
            # reads the first MAX_QUESTION_CHARS after collapsing spaces, which holds at least these. A
            # 100,000-character paste would otherwise fill every report that shows the question.
            "question": q.text.strip()[:MAX_QUESTION_CHARS],
            "scope": q.scope,
            "conversation": q.conversation,
            "thread": q.thread or "",
            "user": q.user,
            "ts": now,
            **fields,
        })
        pipe.expire(self._key(answer_id), self.ttl)
        pipe.zadd(keys.answers_by_time(self.prefix), {answer_id: now})
        # The time index forgets what the hashes forgot (expired), one day behind.
        pipe.zremrangebyscore(keys.answers_by_time(self.prefix), "-inf", now - self.ttl - 86400)
        await pipe.execute()
        return answer_id

    async def get(self, answer_id: str) -> LoggedAnswer | None:
        """The logged answer, or None when unknown (expired or a forged id)."""
        raw = {_s(k): _s(v) for k, v in (await self.redis.hgetall(self._key(answer_id))).items()}
        if not raw:
            return None
        return LoggedAnswer(
            id=answer_id, question=raw.get("question", ""), answer=raw.get("answer", ""),
            scope=raw.get("scope", ""), conversation=raw.get("conversation", ""), user=raw.get("user", ""),
            mode=raw.get("mode", ""), ts=float(raw.get("ts") or 0), confidence=float(raw.get("confidence") or 1.0),
            answered=raw.get("answered", "1") == "1",
            outcomes=tuple(Outcome(o) for o in raw.get("outcomes", "").split(",") if o),
            citations=tuple(json.loads(raw.get("citations") or "[]")),
            thread=raw.get("thread", ""),
        )

    async def ids_between(self, since: float, until: float | None = None) -> list[str]:
        """Ids of the answers given from `since` to `until` (Unix seconds), oldest first."""
        found = await self.redis.zrangebyscore(keys.answers_by_time(self.prefix), since,
                                               "+inf" if until is None else until)
        return [_s(m) for m in found]  # type: ignore[arg-type]  # members only: no scores asked for

    async def mark(self, answer_id: str, outcome: Outcome) -> bool:
        """Add an outcome to a logged answer (once each); False when the answer is unknown.

        One Lua script reads and appends, so outcomes added at the same moment (a vote in one process,
        the hand-off in another) are all kept: a read, then a write, would let the later one drop the other.
        """
        return bool(await self.redis.eval(_ADD_OUTCOME, 1, self._key(answer_id), outcome.value))

    async def feedback(self, answer_id: str, user: str, helpful: bool) -> bool:
        """Store a vote with the question, answer and sources it judged. False if the answer is unknown
        (expired or forged id)."""
        rec = await self.redis.hgetall(self._key(answer_id))
        if not rec:
            return False
        rec = {_s(k): _s(v) for k, v in rec.items()}
        await self.redis.xadd(self.feedback_stream, {
            "answer_id": answer_id,
            "user": user,
            "helpful": "1" if helpful else "0",
            "question": rec.get("question", ""),
            "answer": rec.get("answer", ""),
            "sources": rec.get("citations", "[]"),
            "conversation": rec.get("conversation", ""),
        }, maxlen=100_000, approximate=True)
        await self.redis.hset(self._key(answer_id), f"vote:{user}", "1" if helpful else "0")
        await self.mark(answer_id, Outcome.HELPFUL if helpful else Outcome.NOT_HELPFUL)
        return True

    async def forget_user(self, user: str, batch: int = 1000) -> int:
        """Erase every logged answer to `user`'s questions, its place in the time index, and the feedback
        stream's entries about those answers or by that user. Returns how many answers were erased."""
        index = keys.answers_by_time(self.prefix)
        ids = [_s(m) for m in await self.redis.zrange(index, 0, -1)]  # type: ignore[arg-type]
        mine: set[str] = set()
        for start in range(0, len(ids), batch):
            part = ids[start:start + batch]
            pipe = self.redis.pipeline(transaction=False)
            for answer_id in part:
                pipe.hget(self._key(answer_id), "user")
                pipe.hdel(self._key(answer_id), f"vote:{user}")  # their votes on others' answers
            found = (await pipe.execute())[::2]
            mine.update(a for a, who in zip(part, found) if who is not None and _s(who) == user)
        for start in range(0, len(mine), batch):
            part = sorted(mine)[start:start + batch]
            pipe = self.redis.pipeline(transaction=False)
            pipe.delete(*(self._key(a) for a in part))
            pipe.zrem(index, *part)
            await pipe.execute()
        await self._forget_feedback(user, mine)
        return len(mine)

    async def _forget_feedback(self, user: str, answer_ids: set[str], batch: int = 1000) -> None:
        last = "-"
        while True:
            entries: list[Any] = list(await self.redis.xrange(self.feedback_stream, min=last, max="+", count=batch)
                                      or [])
            if last != "-":
                entries = entries[1:]  # XRANGE includes the entry it starts from
            if not entries:
                return
            doomed = [_s(eid) for eid, fields in entries
                      if _field(fields, "user") == user or _field(fields, "answer_id") in answer_ids]
            if doomed:
                await self.redis.xdel(self.feedback_stream, *doomed)
            last = _s(entries[-1][0])


def _field(fields: dict[Any, Any] | None, name: str) -> str:
    """A stream entry's field, whether the client decodes replies or not."""
    if not fields:
        return ""
    value = fields.get(name.encode(), fields.get(name))
    return "" if value is None else _s(value)
