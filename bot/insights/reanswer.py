"""Closing the loop: after a sync changed some sources, the questions Lorebot abstained on in the last
LOREBOT_REANSWER_DAYS, in channels that opted in (ChannelConfig.reanswer), are asked again. Where the
answer is now confident and cites a changed source, it is handed back to be posted in the question's
thread, once: each question is claimed in Redis first, and marked REANSWERED after.

Platform-neutral: the adapters read the changes stream, post, and pass their platform's name, so each
bot process re-asks only its own platform's questions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.access import visible_sources
from bot.answering.answer_log import Outcome
from bot.channels import ChannelStore
from bot.core import Lorebot
from bot.insights.questions import Asked, load_questions
from bot.store.claims import claim_once
from bot.types import Answer, AnswerMode, Question

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reanswer:
    """A question asked again and now answered: post `answer` in `question.channel`, in `question.thread`
    when it has one; `asked` is the log's record of the original question."""

    asked: Asked
    question: Question
    answer: Answer


async def opted_in(bot: Lorebot, platform: str) -> list[str]:
    """The scopes of `platform` whose channels asked for re-answers."""
    configured = await ChannelStore(bot.redis, bot.settings.key_prefix).configured()
    return [scope for scope, config in configured.items() if config.reanswer and scope.startswith(f"{platform}:")]


async def reanswers(bot: Lorebot, platform: str, changed: set[str],
                    now: float | None = None) -> AsyncIterator[Reanswer]:
    """Re-ask `platform`'s recent abstentions in opted-in channels that see a source of `changed`, and
    yield each one now answered with a citation of a changed source, claimed for this process.
    Raises redis.exceptions.RedisError when Redis fails."""
    now = time.time() if now is None else now
    scopes = await opted_in(bot, platform)
    if not scopes or not changed:
        return
    window = bot.settings.reanswer_days * 86400
    asked = await load_questions(bot.answers, now - window, now, scopes)
    seen: set[tuple[str, str, str]] = set()
    for a in asked:
        # A question a person answered while Lorebot waited is theirs: Lorebot stays out of that thread.
        if a.answered or a.failed or Outcome.REANSWERED in a.outcomes or Outcome.ANSWERED_BY_PERSON in a.outcomes:
            continue
        if (a.scope, a.thread, a.text) in seen:  # asked twice in one thread: one answer
            continue
        seen.add((a.scope, a.thread, a.text))
        _, _, channel = a.scope.partition(":")
        q = Question(platform, channel, a.text, a.user, thread=a.thread or None)
        visible = await visible_sources(bot.redis, bot.settings, q)
        if visible is not None and not changed & set(visible):
            continue
        answer = await bot.answer(q, record=False)
        if not answer.answered or answer.mode == AnswerMode.NOTICE or answer.error is not None:
            continue
        if not any(c.source in changed for c in answer.citations):
            continue  # answered from what was there before: not what the update brought
        ttl = int(window) + 86400
        if not await claim_once(bot.redis, bot.settings.key_prefix, f"reanswer:{a.id}", ttl):
            continue
        await bot.answers.mark(a.id, Outcome.REANSWERED)
        log.info("re-answered a question of %s after an update of %s", a.scope, ", ".join(sorted(changed)))
        yield Reanswer(a, q, answer)
