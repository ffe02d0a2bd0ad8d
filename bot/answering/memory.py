"""Conversation memory per thread and channel, in Redis: bounded and expiring.

redisvl's MessageHistory is synchronous and never trims; the bot needs an async store that keeps
only the last N turns and forgets idle conversations, so this is a Redis list per conversation
(RPUSH + LTRIM + EXPIRE in one transaction).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bot import keys


@dataclass(frozen=True, slots=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str
    ts: float


class Memory:
    def __init__(self, redis: Redis, prefix: str, max_turns: int, ttl_seconds: int):
        self.redis = redis
        self.prefix = prefix
        self.max_messages = max_turns * 2
        self.ttl = ttl_seconds

    def key(self, conversation: str) -> str:
        return keys.memory(self.prefix, conversation)

    async def recent(self, conversation: str) -> list[Turn]:
        if self.max_messages == 0:
            return []
        raw = await self.redis.lrange(self.key(conversation), -self.max_messages, -1)
        turns = []
        for item in raw:
            try:
                d = json.loads(item)
                turns.append(Turn(str(d["role"]), str(d["content"]), float(d.get("ts", 0))))
            except (ValueError, KeyError, TypeError):
                continue  # a damaged entry must not break the conversation
        return turns

    async def add(self, conversation: str, question: str, answer: str) -> None:
        if self.max_messages == 0:
            return
        now = time.time()
        key = self.key(conversation)
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(
            key,
            json.dumps({"role": "user", "content": question, "ts": now}),
            json.dumps({"role": "assistant", "content": answer, "ts": now}),
        )
        pipe.ltrim(key, -self.max_messages, -1)
        pipe.expire(key, self.ttl)
        await pipe.execute()

    async def forget(self, conversation: str) -> bool:
        return bool(await self.redis.delete(self.key(conversation)))
