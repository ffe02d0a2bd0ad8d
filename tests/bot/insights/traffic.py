"""Test traffic for the insight reports: questions on topics the sample export (about Lorebot itself)
does not cover, several paraphrases each by different people, in English, German and Japanese;
questions it covers; and one-off questions. `ask_traffic` asks every one through the real core
(Lorebot.answer), so what the answer log holds (abstained, answered below the gap threshold, answered)
is what production records; `traffic()` lists the same questions for a replay through `lorebot ask`."""

from __future__ import annotations

from bot import keys
from bot.core import Lorebot
from bot.types import Answer, AnswerMode, Question, Reason

UNCOVERED = {
    "vpn": ["How do I connect to the office VPN from home?", "The VPN keeps disconnecting, how do I fix it?",
            "Which VPN client should I install on my laptop?", "VPN access from home is not working"],
    "expenses": ["How do I submit an expense report for travel?", "Where do I file my travel expenses?",
                 "How long does expense reimbursement take?"],
    "elternzeit": ["Wie beantrage ich Elternzeit?", "Wo stelle ich den Antrag auf Elternzeit?",
                   "Wie lange kann ich Elternzeit nehmen?"],
    "password": ["パスワードをリセットするにはどうすればいいですか？", "パスワードを忘れました。どうすればいいですか？",
                 "パスワードの変更方法を教えてください"],
}
COVERED = ["How do I connect Lorebot to Slack?", "Which embedding model does Lorebot use by default?",
           "How do I make a source re-sync every 6 hours?",
           "Which permission does a Discord member need to run /link?"]
# One-offs: two the documents do not touch (abstained on), one they only brush (answered, with a
# confidence below LOREBOT_GAP_CONFIDENCE: a gap all the same).
ONE_OFF = ["Who is on call this weekend?", "Can I bring my dog to the office?", "How much does Lorebot cost?"]


def abstained() -> Answer:
    """What the core returns when the documents do not cover a question."""
    return Answer("The documents I can see do not cover this.", mode=AnswerMode.NOTICE, error=Reason.NOT_COVERED,
                  confidence=0.1, answered=False)


def traffic() -> list[tuple[str, str]]:
    """(person, question) of the whole traffic, each question by a different person: the uncovered
    topics' paraphrases, the covered questions, then the one-offs."""
    texts = [t for paraphrases in UNCOVERED.values() for t in paraphrases] + COVERED + ONE_OFF
    return [(f"U{n:04d}", text) for n, text in enumerate(texts, 1)]


async def ask_traffic(bot: Lorebot, scope: str = "slack:C0000001") -> list[Answer]:
    """Ask the whole traffic in `scope` through the core, each question in its own thread; the answers."""
    platform, _, channel = scope.partition(":")
    return [await bot.answer(Question(platform, channel, text, user=person, thread=f"{n}.1"))
            for n, (person, text) in enumerate(traffic(), 1)]


async def backdate(bot: Lorebot, answer_id: str, ts: float) -> None:
    """Move a logged answer in time (the log stamps answers with the clock)."""
    await bot.redis.hset(keys.answer(bot.settings.key_prefix, answer_id), "ts", ts)
    await bot.redis.zadd(keys.answers_by_time(bot.settings.key_prefix), {answer_id: ts})
