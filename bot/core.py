"""Lorebot's core: a platform-neutral question in, a cited Answer out.

Every adapter (the command line and each chat platform) holds one Lorebot and calls `answer`. All state is in Redis,
so any number of processes can serve the same team.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redisvl.exceptions import RedisSearchError

from bot.access import visible_sources, withheld_sources
from bot.answering.abstention import not_covered
from bot.answering.answer_log import AnswerLog
from bot.answering.citations import cite
from bot.answering.confidence import assess
from bot.answering.extractive import extractive_answer
from bot.answering.generation import Generator, ModelUnavailable
from bot.answering.memory import Memory
from bot.answering.notices import TEXTS, Notice, notice, notice_language
from bot.answering.prompt import build_messages
from bot.answering.verdict import VerdictFilter, says_not_covered, without_marker
from bot.channels import ChannelStore
from bot.keys import LAYOUT
from bot.retrieval.embedder import CachedEmbedder
from bot.retrieval.retriever import RetrievalConfig, Retriever
from bot.retrieval.serving_model import Serving, open_model, serving_model
from bot.settings import Settings
from bot.store.connection import connect, revive_embedded
from bot.store.index import Indexes
from bot.types import Answer, AnswerMode, Question, Reason, question_text

log = logging.getLogger(__name__)
OnText = Callable[[str], Awaitable[None]]
Clock = Callable[[], float]  # seconds, monotonic: time.monotonic, or a test's own
MAX_CONTEXT_CHARS = 4000  # of a conversation's earlier messages (Question.context), the latest kept
THREAD_WEIGHT = 1.0  # of the search for the question with the thread's earlier messages
MEMORY_WEIGHT = 0.5  # of the search for the question with the conversation's previous question
MODEL_CHECK_S = 30.0  # how often a process waiting for a model switch looks whether it has happened

# The English notices (bot.answering.notices has them in the question's language too). Adapters
# replace NO_SOURCES with how an admin links a source on their platform (Reason.NO_SOURCES).
NO_SOURCES = TEXTS[Notice.NO_SOURCES]["en"]
NOT_FOUND = TEXTS[Notice.NOT_FOUND]["en"]
EMPTY = TEXTS[Notice.EMPTY_QUESTION]["en"]
REDIS_DOWN = TEXTS[Notice.REDIS_UNAVAILABLE]["en"]
SEARCH_FAILED = TEXTS[Notice.SEARCH_FAILED]["en"]
TIMED_OUT = TEXTS[Notice.TIMED_OUT]["en"]
EXTERNAL = ("This conversation is shared with people outside the organisation, so I can't answer from "
            "internal documents here.")
DEADLINE_GRACE_S = 2.0  # past the answer deadline, for what runs after generation stopped at it
BOOKKEEPING_S = 5.0  # memory and answer log, once the answer is ready: never worth losing the answer for


class Lorebot:
    def __init__(self, settings: Settings, redis: Redis, embedder: CachedEmbedder, indexes: Indexes,
                 clock: Clock = time.monotonic):
        self.clock = clock  # when to look again for a model switch
        self.settings = settings
        self.redis = redis
        self.embedder = embedder
        self.indexes = indexes
        self.retriever = Retriever(indexes, embedder, RetrievalConfig(candidates=settings.candidates))
        self.memory = Memory(redis, settings.key_prefix, settings.memory_turns,
                             int(settings.memory_ttl_days * 86400))
        self.answers = AnswerLog(redis, settings.key_prefix, int(settings.answer_log_days * 86400))
        self.channels = ChannelStore(redis, settings.key_prefix)
        self.generator = Generator(settings) if settings.generative else None
        self._ingest_model: tuple[CachedEmbedder, Indexes] | None = None
        self._retired: list[CachedEmbedder] = []  # replaced by a model switch; answers may still use them
        self._next_model_check = 0.0
        self._revival: asyncio.Task[None] | None = None
        # Answers beyond this many wait their turn: under a burst the first questions finish first
        # instead of all finishing late together.
        self._slots = asyncio.Semaphore(settings.max_concurrent_answers)

    @classmethod
    async def open(cls, settings: Settings, redis: Redis | None = None, clock: Clock = time.monotonic) -> Lorebot:
        """Questions are embedded with the model whose index is complete (bot.retrieval.serving_model); the indexer
        always writes with the configured one, so a model change migrates without a gap."""
        redis = redis or await connect(settings)
        serving = await serving_model(redis, settings)
        embedder, indexes = await open_model(settings.model_copy(update={"embeddings": serving.spec}), redis,
                                             serving.layout)
        bot = cls(settings, redis, embedder, indexes, clock)
        if serving != Serving(settings.embeddings, LAYOUT):
            bot._ingest_model = await open_model(settings, redis)
        return bot

    async def close(self) -> None:
        if self.generator:
            await self.generator.close()
        await self.embedder.close()
        if self._ingest_model:
            await self._ingest_model[0].close()
        for embedder in self._retired:
            await embedder.close()
        if self._revival is not None:
            await asyncio.gather(self._revival, return_exceptions=True)
        await self.redis.aclose()

    async def follow_model_switch(self) -> None:
        """Answer from the configured model's index once it has become the active one (every source
        synced with it, usually by the scheduler process), without a restart. Checked at most every
        MODEL_CHECK_S seconds."""
        if self._ingest_model is None:
            return
        now = self.clock()
        if now < self._next_model_check:
            return
        self._next_model_check = now + MODEL_CHECK_S
        if await serving_model(self.redis, self.settings, quiet=True) != Serving(self.settings.embeddings, LAYOUT):
            return
        self._retired.append(self.embedder)
        self.embedder, self.indexes = self._ingest_model
        self._ingest_model = None
        self.retriever = Retriever(self.indexes, self.embedder, self.retriever.config)
        log.info("now answering from the %s index", self.indexes.keys.model_id)

    def ingest_model(self) -> tuple[CachedEmbedder, Indexes]:
        """The configured model and its index, which ingest writes with: the serving one, or during a
        model switch the new one (bot.retrieval.serving_model)."""
        return self._ingest_model or (self.embedder, self.indexes)

    async def answer(self, q: Question, on_text: OnText | None = None, record: bool = True) -> Answer:
        """Answer `q`; the answer is logged (its id set) unless `record` is False (a re-answer of a
        question already in the log, bot/insights/reanswer.py)."""
        question = question_text(q.text)
        if not question:  # nothing but spaces, punctuation or emoji: not searched, not logged
            return Answer.not_answered(EMPTY, Reason.EMPTY_QUESTION)
        lang = notice_language(question)
        # The deadline runs from the question's arrival, so time spent queued counts too.
        deadline = asyncio.get_running_loop().time() + self.settings.answer_deadline
        try:
            # Bounded as a whole: a Redis that silently drops packets must not hold the question for
            # the client's socket timeouts and retries.
            async with asyncio.timeout_at(deadline + DEADLINE_GRACE_S):
                async with self._slots:
                    answer = await self._answer(q, question, on_text, deadline)
        except TimeoutError:
            log.warning("no answer within the deadline (%.0f s)", self.settings.answer_deadline)
            return Answer.not_answered(notice(Notice.TIMED_OUT, lang, seconds=self.settings.answer_deadline),
                                       Reason.TIMEOUT)
        except RedisError as exc:
            return self._redis_down(exc, lang)
        except RedisSearchError as exc:  # redisvl wraps the client's errors
            if not isinstance(exc.__cause__, (RedisConnectionError, RedisTimeoutError)):
                raise
            return self._redis_down(exc.__cause__, lang)
        try:
            async with asyncio.timeout(BOOKKEEPING_S):
                # An abstention is a turn too: a follow-up that says what was meant reads it as context.
                if not q.alone and (answer.mode != AnswerMode.NOTICE or answer.error == Reason.NOT_COVERED):
                    await self.memory.add(q.conversation, question, answer.text)
                answer_id = await self.answers.record(q, answer) if record else ""
        except (RedisError, TimeoutError) as exc:  # the answer stands; the thread's memory misses it
            log.warning("answer not recorded: %s", type(exc).__name__)
            return answer
        return dataclasses.replace(answer, id=answer_id)

    async def _answer(self, q: Question, question: str, on_text: OnText | None, deadline: float) -> Answer:
        lang = notice_language(question)
        await self.follow_model_switch()
        sources = await visible_sources(self.redis, self.settings, q)
        if sources == []:
            if await withheld_sources(self.redis, self.settings, q):
                return Answer.not_answered(EXTERNAL, Reason.EXTERNAL_CHANNEL)
            return Answer.not_answered(notice(Notice.NO_SOURCES, lang, scope=q.scope), Reason.NO_SOURCES)
        history = [] if q.alone else await self.memory.recent(q.conversation)
        previous = next((t.content for t in reversed(history) if t.role == "user"), "")
        # A question asked inside a thread is about that thread ("same here, which setting do I
        # change?"): what the thread said weighs as much as the question's own words. The previous
        # question of a conversation weighs half, so a change of topic still wins on its own words.
        context, weight = ((q.context[-MAX_CONTEXT_CHARS:], THREAD_WEIGHT) if q.context
                           else (previous, MEMORY_WEIGHT))
        # One deadline for the whole answer: the question's embedding and the generation share it.
        try:
            async with asyncio.timeout_at(deadline):
                judged = await assess(self.retriever, question, sources, self.settings.top_k, context=context,
                                      context_weight=weight)
        except ModelUnavailable as exc:  # a remote embeddings endpoint failed after its retries
            return Answer.not_answered(notice(Notice.SEARCH_FAILED, lang, reason=exc), Reason.MODEL_UNAVAILABLE)
        except TimeoutError:
            reason = f"the search did not finish within {self.settings.answer_deadline:.0f} s"
            return Answer.not_answered(notice(Notice.SEARCH_FAILED, lang, reason=reason), Reason.MODEL_UNAVAILABLE)
        passages, confidence = judged.passages, judged.confidence
        if not passages:
            return Answer.not_answered(notice(Notice.NOT_FOUND, lang), Reason.NOT_FOUND)
        if confidence < await self.threshold(q):
            return not_covered(passages, confidence, notice(Notice.NOT_COVERED, lang), notice(Notice.CLOSEST, lang))
        if self.generator is None:
            return dataclasses.replace(extractive_answer(question, passages), confidence=confidence)
        shown = VerdictFilter(on_text)  # the model's "not covered" marker never reaches the user
        try:
            messages = build_messages(question, passages, history, q.context)
            text = await self.generator.generate(messages, shown, deadline)
        except ModelUnavailable as exc:
            fallback = extractive_answer(question, passages, intro=notice(Notice.GENERATION_FAILED, lang, reason=exc))
            return dataclasses.replace(fallback, error=Reason.MODEL_UNAVAILABLE, confidence=confidence)
        if says_not_covered(text):  # the model's verdict: its passages do not answer
            return not_covered(passages, 0.0, notice(Notice.NOT_COVERED, lang), notice(Notice.CLOSEST, lang))
        text, citations = cite(without_marker(text), passages)
        return Answer(text=text, citations=citations, mode=AnswerMode.GENERATIVE, confidence=confidence)

    async def threshold(self, q: Question) -> float:
        """The confidence below which Lorebot abstains in `q`'s channel: the channel's own threshold,
        else LOREBOT_ABSTAIN_THRESHOLD."""
        own = (await self.channels.get(q.scope)).threshold
        return self.settings.abstain_threshold if own is None else own

    async def forget(self, q: Question) -> bool:
        return await self.memory.forget(q.conversation)

    def _redis_down(self, exc: Exception, lang: str = "en") -> Answer:
        """The notice at once; meanwhile a dead embedded server is started again (in the background:
        loading a large index takes a while), so the next question is answered."""
        log.warning("redis unavailable while answering: %s", type(exc).__name__)
        if self._revival is None or self._revival.done():  # one at a time; with REDIS_URL set it does nothing
            self._revival = asyncio.create_task(revive_embedded(self.settings))
        return Answer.not_answered(notice(Notice.REDIS_UNAVAILABLE, lang), Reason.REDIS_UNAVAILABLE)
