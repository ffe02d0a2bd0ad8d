"""The answer log and feedback: every answer is kept for a while (question, answer, sources) so a
helpful / not helpful click can be stored with what it judged."""

from __future__ import annotations

import json
import time
import uuid

from redis.asyncio import Redis

from bot import keys
from bot.types import Answer, Question

ANSWER_TTL = 90 * 24 * 3600


class AnswerLog:
    def __init__(self, redis: Redis, prefix: str):
        self.redis = redis
        self.prefix = prefix

    def _key(self, answer_id: str) -> str:
        return keys.answer(self.prefix, answer_id)

    @property
    def feedback_stream(self) -> str:
        return keys.feedback(self.prefix)

    async def record(self, q: Question, answer: Answer) -> str:
        answer_id = uuid.uuid4().hex[:16]
        await self.redis.hset(self._key(answer_id), mapping={
            "question": q.text,
            "answer": answer.text,
            "citations": json.dumps([c.to_dict() for c in answer.citations]),
            "conversation": q.conversation,
            "user": q.user,
            "mode": answer.mode,
            "ts": time.time(),
        })
        await self.redis.expire(self._key(answer_id), ANSWER_TTL)
        return answer_id

    async def feedback(self, answer_id: str, user: str, helpful: bool) -> bool:
        """Store a vote with the question, answer and sources it judged. False if the answer is unknown
        (expired or forged id)."""
        rec = await self.redis.hgetall(self._key(answer_id))
        if not rec:
            return False
        rec = {k.decode(): v.decode() for k, v in rec.items()}
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
        return True

    async def claim_event(self, event_id: str, ttl: int = 3600) -> bool:
        """True for the first process to see this event id; retried deliveries get False."""
        return bool(await self.redis.set(f"{self.prefix}:event:{event_id}", "1", nx=True, ex=ttl))
