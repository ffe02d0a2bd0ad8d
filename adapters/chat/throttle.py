"""A minimum gap between the answers Lorebot gives unasked (auto mode): per asker and per channel, so
a burst of questions cannot make it flood a channel. Kept in Redis, so every replica counts alike.

The gap is taken when Lorebot sets out to answer (before the core runs), whether it then answers or
abstains: a burst costs no more model calls than it may post answers.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot import keys

# KEYS: the asker's and the channel's gap; ARGV: their lengths in ms. 1 when neither was running.
_TAKE = """
for i, key in ipairs(KEYS) do
  if tonumber(ARGV[i]) > 0 and redis.call('EXISTS', key) == 1 then return 0 end
end
for i, key in ipairs(KEYS) do
  if tonumber(ARGV[i]) > 0 then redis.call('SET', key, '1', 'PX', ARGV[i]) end
end
return 1
"""


class AnswerGaps:
    def __init__(self, redis: Redis, prefix: str, user_seconds: float, channel_seconds: float):
        self.prefix = prefix
        self.user_ms = int(user_seconds * 1000)
        self.channel_ms = int(channel_seconds * 1000)
        self._take = redis.register_script(_TAKE)

    async def take(self, scope: str, user: str) -> bool:
        """True when neither `user` (in `scope`) nor the channel `scope` was answered unasked within
        its gap; the gaps start again now. False: stay quiet. Raises RedisError."""
        user_key = keys.answer_gap(self.prefix, f"{scope}:user:{user}")
        channel_key = keys.answer_gap(self.prefix, scope)
        return bool(await self._take(keys=[user_key, channel_key], args=[self.user_ms, self.channel_ms]))
