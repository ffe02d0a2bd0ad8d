"""Handing a question to people, the platform-neutral part: the question's one-line summary, the
hand-off text, one hand-off per answer (a claim in Redis), and which question a thread is about so
a person's reply there marks it resolved. Outcomes go to the answer log (ESCALATED, RESOLVED).

Decisions: a reply resolves the question when it comes from someone other than the asker and
Lorebot (a bot's reply never does); the asker adding detail does not. Without an escalation target,
"Ask a person" still posts in the thread (nobody is pinged, the channel sees it) and counts as
escalated.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.chat.texts import CLAIM_SECONDS
from bot import keys
from bot.answering.answer_log import AnswerLog, Outcome
from bot.store.claims import claim_once

log = logging.getLogger(__name__)

SUMMARY_CHARS = 150
HANDOFF_CLAIM_SECONDS = 90 * 24 * 3600  # as long as the answer log keeps the answer
HANDOFF = "{target}, could someone help here? {asker} asked: “{summary}”"
HANDOFF_NO_TARGET = "{presser} would like a person to help here. {asker} asked: “{summary}”"
ALREADY = "This question was already handed to a person."
EXPIRED = "That answer is too old to hand off now."
RESOLVED = "Marked as resolved. Thanks!"
ABSTAINED_OFFER = "I've asked {target} to help."


def summary(question: str) -> str:
    """The question on one line, cut at a word within SUMMARY_CHARS characters."""
    flat = " ".join(question.split())
    if len(flat) <= SUMMARY_CHARS:
        return flat
    cut = flat[:SUMMARY_CHARS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[SUMMARY_CHARS // 2:] else cut) + "…"


class Threads:
    """Which logged question a thread is about, and the hand-off claims."""

    def __init__(self, redis: Redis, prefix: str, answers: AnswerLog, ttl_seconds: int):
        self.redis = redis
        self.prefix = prefix
        self.answers = answers
        self.ttl = ttl_seconds

    async def remember(self, platform: str, channel: str, thread: str, answer_id: str, asker: str,
                       first: bool = True) -> None:
        """The thread is about `answer_id`'s question; `first`: only when no question is set yet."""
        if not answer_id:
            return
        key = keys.thread_question(self.prefix, platform, channel, thread)
        try:
            await self.redis.set(key, f"{answer_id} {asker}", ex=self.ttl, nx=first)
        except RedisError as exc:
            log.warning("could not remember the thread's question: %s", type(exc).__name__)

    async def question_of(self, platform: str, channel: str, thread: str) -> tuple[str, str] | None:
        """(answer id, asker) of the question the thread is about, or None."""
        raw = await self.redis.get(keys.thread_question(self.prefix, platform, channel, thread))
        if not raw:
            return None
        answer_id, _, asker = (raw.decode() if isinstance(raw, bytes) else raw).partition(" ")
        return answer_id, asker

    async def reply_seen(self, platform: str, channel: str, thread: str, author: str, from_bot: bool) -> bool:
        """A message in a thread: when a person other than the asker wrote it in a thread whose
        question is logged, the question is RESOLVED (True)."""
        if from_bot or not author:
            return False
        found = await self.question_of(platform, channel, thread)
        if found is None or found[1] == author:
            return False
        return await self.answers.mark(found[0], Outcome.RESOLVED)

    async def claim_handoff(self, answer_id: str) -> bool:
        """True the first time a hand-off of this answer is asked for."""
        return await claim_once(self.redis, self.prefix, f"handoff:{answer_id}", HANDOFF_CLAIM_SECONDS)

    async def claim_share(self, answer_id: str) -> bool:
        """True the first time a private answer is shared."""
        return await claim_once(self.redis, self.prefix, f"share:{answer_id}", CLAIM_SECONDS)
