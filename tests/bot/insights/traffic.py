"""Test traffic for the insight reports: questions on topics the sample export (about Lorebot itself)
does not cover, several paraphrases each by different people, in English, German and Japanese;
questions it covers; and one-off questions. Recorded in the answer log as the core records them."""

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
ONE_OFF = ["Who is on call this weekend?", "Can I bring my dog to the office?"]


def abstained() -> Answer:
    """What the core returns when the documents do not cover a question."""
    return Answer("The documents I can see do not cover this.", mode=AnswerMode.NOTICE, error=Reason.NOT_COVERED,
                  confidence=0.1, answered=False)


async def record_traffic(bot: Lorebot, scope: str = "slack:C0000001") -> None:
    platform, _, channel = scope.partition(":")
    person = 0
    for paraphrases in UNCOVERED.values():
        for text in paraphrases:
            person += 1
            await bot.answers.record(Question(platform, channel, text, user=f"U{person:04d}", thread=f"{person}.1"),
                                     abstained())
    for text in COVERED:  # answered for real, from the sample export
        person += 1
        await bot.answer(Question(platform, channel, text, user=f"U{person:04d}", thread=f"{person}.1"))
    for text in ONE_OFF:
        person += 1
        await bot.answers.record(Question(platform, channel, text, user=f"U{person:04d}"), abstained())


async def backdate(bot: Lorebot, answer_id: str, ts: float) -> None:
    """Move a logged answer in time (the log stamps answers with the clock)."""
    await bot.redis.hset(keys.answer(bot.settings.key_prefix, answer_id), "ts", ts)
    await bot.redis.zadd(keys.answers_by_time(bot.settings.key_prefix), {answer_id: ts})
