"""Questions waiting for people first (auto mode with a wait), kept in Redis so they survive a restart
and are shared by every replica.

A pending question is a JSON record by id (the message's dedupe key) plus a score in a sorted set: the
Unix time it is due. Every process polls (`Poller`); taking due questions is one Lua script that moves
each a lease ahead, so exactly one process holds it at a time, and a process that dies holding one
lets it come due again when the lease ends (the answer itself is claimed per message, so a question
is still answered once). A person's reply seen outside the question's thread while it waits
(`note_reply`: a Discord reply in the channel) is kept beside it and comes back with it
(`PendingQuestion.replied_by`). `done` forgets it, and the reply. A question a person answered first
is logged as such (`answered_by_person`), once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import keys
from bot.answering.answer_log import Outcome
from bot.core import Lorebot
from bot.store.claims import claim_once
from bot.types import Question

log = logging.getLogger(__name__)

LEASE_SECONDS = 120.0  # how long a process holds a question it took before another may take it
TAKE_AT_ONCE = 20

# KEYS[1] the due set; ARGV now, lease end, limit. The due ids, each moved to the lease's end.
_TAKE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return due
"""
# KEYS[1] the items, KEYS[2] the replies; ARGV question id, author. 1 when the question waits and the
# author is not its asker (the reply is then kept), else 0; one step, so a question done meanwhile
# leaves nothing behind.
_NOTE_REPLY = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw)['user'] == ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""


@dataclass(frozen=True)
class PendingQuestion:
    """What answering a waiting question needs, in platform terms the adapter reads back.

    `id` is the message's dedupe key; `channel` where it was posted, `message` its id, `thread` the
    thread its answer goes in (Slack: the message's ts; Discord: a forum post's thread, or "" to
    start one), `user` the asker, `asked` when (Unix seconds); `replied_by` a person other than the
    asker who replied outside the thread while it waited ("" when none did)."""

    id: str
    channel: str
    message: str
    user: str
    text: str
    asked: float
    thread: str = ""
    team: str = ""
    guild: str = ""
    replied_by: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> PendingQuestion:
        return cls(**json.loads(raw))


async def answered_by_person(bot: Lorebot, q: Question, question_id: str) -> str:
    """Log `q`, a waiting question a person answered before Lorebot (Outcome.ANSWERED_BY_PERSON), once
    per question however many processes saw it; its id, "" when it was logged already or Redis failed
    (logged as a warning: the question stays unanswered by Lorebot either way)."""
    try:
        if not await claim_once(bot.redis, bot.settings.key_prefix, f"{question_id}:{Outcome.ANSWERED_BY_PERSON}",
                                int(LEASE_SECONDS * 10)):
            return ""
        return await bot.answers.record_answered_by_person(q)
    except RedisError as exc:
        log.warning("could not log a question a person answered: %s", type(exc).__name__)
        return ""


class PendingQuestions:
    """One adapter's waiting questions."""

    def __init__(self, redis: Redis, prefix: str, platform: str, clock: Callable[[], float] = time.time):
        self.redis = redis
        self.due_key = keys.pending_questions(prefix, platform)
        self.items_key = keys.pending_question(prefix, platform)
        self.replies_key = keys.pending_replies(prefix, platform)
        self.clock = clock
        self._take = redis.register_script(_TAKE)
        self._note_reply = redis.register_script(_NOTE_REPLY)

    async def add(self, question: PendingQuestion, due: float) -> None:
        """Keep `question` until `due` (Unix seconds)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.items_key, question.id, question.to_json())
        pipe.zadd(self.due_key, {question.id: due})
        await pipe.execute()

    async def take_due(self, limit: int = TAKE_AT_ONCE) -> list[PendingQuestion]:
        """The questions due now, each held by this process for LEASE_SECONDS."""
        now = self.clock()
        ids = await self._take(keys=[self.due_key], args=[now, now + LEASE_SECONDS, limit])
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        pipe.hmget(self.items_key, ids)
        pipe.hmget(self.replies_key, ids)
        records, replies = await pipe.execute()
        found = []
        for raw_id, raw, replier in zip(ids, records, replies):
            if raw is None:  # done elsewhere between the two calls
                await self.redis.zrem(self.due_key, raw_id)
                continue
            question = PendingQuestion.from_json(raw)
            if replier:
                question = replace(question, replied_by=replier.decode() if isinstance(replier, bytes) else replier)
            found.append(question)
        return found

    async def note_reply(self, question_id: str, author: str) -> bool:
        """A person's reply to a waiting question seen outside its thread; True when `question_id`
        waits and `author` is not its asker (the reply then counts: `replied_by`)."""
        return bool(await self._note_reply(keys=[self.items_key, self.replies_key], args=[question_id, author]))

    async def done(self, question_id: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrem(self.due_key, question_id)
        pipe.hdel(self.items_key, question_id)
        pipe.hdel(self.replies_key, question_id)
        await pipe.execute()

    async def count(self) -> int:
        return int(await self.redis.zcard(self.due_key))


class Poller:
    """Takes due questions every `interval` seconds and hands each to `handle` (then forgets it, even
    when handling failed: a question is worth one try, not a loop of failures)."""

    def __init__(self, pending: PendingQuestions, handle: Callable[[PendingQuestion], Awaitable[None]],
                 interval: float):
        self.pending = pending
        self.handle = handle
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._stopping = False

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop())

    async def stop(self, grace: float = 10.0) -> None:
        self._stopping = True  # the loop ends at its next turn even if a library swallowed the cancel
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=grace)  # a shutdown is bounded, whatever happens below
            self._task = None
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace)

    async def poll_once(self) -> int:
        """Start handling what is due now; how many."""
        due = await self.pending.take_due()
        for question in due:
            task = asyncio.create_task(self._one(question))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(due)

    async def _one(self, question: PendingQuestion) -> None:
        try:
            await self.handle(question)
        except Exception:
            log.exception("answering a waiting question failed")
        try:
            await self.pending.done(question.id)
        except RedisError as exc:  # it comes due again after its lease; the answer claim holds it
            log.warning("could not forget a waiting question: %s", type(exc).__name__)

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self.poll_once()
            except RedisError as exc:
                log.warning("could not look for waiting questions: %s", type(exc).__name__)
            await asyncio.sleep(self.interval)
