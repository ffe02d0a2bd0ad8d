"""The logged questions of a period, read from the answer log in batches, and which of them are gaps:
abstained, voted not helpful, handed to a person, answered only by a person (who replied while
Lorebot waited), or answered with less confidence than LOREBOT_GAP_CONFIDENCE. Failures (Redis down,
a timeout, no source linked) are not gaps: they say nothing about what the documents hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import keys
from bot.answering.answer_log import AnswerLog, Outcome
from bot.types import Reason

# Answers that failed for a reason other than the documents: never a knowledge gap.
NOT_A_GAP = frozenset({Reason.EMPTY_QUESTION, Reason.NO_SOURCES, Reason.EXTERNAL_CHANNEL, Reason.REDIS_UNAVAILABLE,
                       Reason.MODEL_UNAVAILABLE, Reason.TIMEOUT, Reason.INTERNAL})
# Outcomes that say the documents left the question to people.
PEOPLE_NEEDED = frozenset({Outcome.NOT_HELPFUL, Outcome.ESCALATED, Outcome.ANSWERED_BY_PERSON})
FIELDS = ["question", "user", "scope", "ts", "answered", "confidence", "outcomes", "error", "thread"]
BATCH = 2000


@dataclass(frozen=True, slots=True)
class Asked:
    """One logged question. `ts` in Unix seconds; `scope` is `PLATFORM:ID`; `thread` "" outside threads."""

    id: str
    text: str
    user: str
    scope: str
    ts: float
    answered: bool
    confidence: float
    outcomes: frozenset[str]
    error: str = ""
    thread: str = ""

    @property
    def failed(self) -> bool:
        """No answer for a reason unrelated to the documents."""
        return self.error in NOT_A_GAP

    def is_gap(self, min_confidence: float) -> bool:
        """Abstained, not helpful, escalated, answered only by a person, or answered below
        `min_confidence`; an abstention answered since (re-answered after a sync) is no longer a gap."""
        if self.failed or Outcome.REANSWERED in self.outcomes:
            return False
        return (not self.answered or bool(self.outcomes & PEOPLE_NEEDED) or self.confidence < min_confidence)


def _s(v: bytes | str | None) -> str:
    return "" if v is None else v.decode() if isinstance(v, bytes) else v


async def load_questions(log: AnswerLog, since: float, until: float,
                         scopes: Iterable[str] | None = None) -> list[Asked]:
    """The questions logged from `since` to `until` (Unix seconds), oldest first, in `scopes` only when
    given; empty questions and expired answers are left out."""
    wanted = set(scopes) if scopes is not None else None
    ids = await log.ids_between(since, until)
    found: list[Asked] = []
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        pipe = log.redis.pipeline(transaction=False)
        for answer_id in part:
            pipe.hmget(keys.answer(log.prefix, answer_id), FIELDS)
        for answer_id, values in zip(part, await pipe.execute()):
            raw = dict(zip(FIELDS, (_s(v) for v in values)))
            if not raw["question"] or (wanted is not None and raw["scope"] not in wanted):
                continue
            found.append(Asked(
                id=answer_id, text=raw["question"], user=raw["user"], scope=raw["scope"],
                ts=float(raw["ts"] or 0), answered=raw["answered"] != "0",
                confidence=float(raw["confidence"] or 1.0),
                outcomes=frozenset(o for o in raw["outcomes"].split(",") if o), error=raw["error"],
                thread=raw["thread"],
            ))
    return found
