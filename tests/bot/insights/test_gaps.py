"""The gap report on the real local model, over traffic asked through the real core: uncovered topics
come first, one theme each; covered questions stay out; one-offs come last; each theme names its
nearest page and trend."""

from __future__ import annotations

import time

from bot.answering.answer_log import Outcome
from bot.insights.gaps import gap_report
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry
from tests.bot.insights.traffic import COVERED, ONE_OFF, UNCOVERED, ask_traffic, backdate
from tests.conftest import SAMPLES

SCOPE = "slack:C0000001"


async def docs_bot(bot, scope: str = SCOPE):
    """`bot` with the sample export indexed and linked to `scope`."""
    assert (await indexer_for(bot).sync("lorebot-docs", SAMPLES)).ok
    await Registry(bot.redis, bot.settings.key_prefix).link("lorebot-docs", scope)
    return bot


async def test_uncovered_topics_first_one_theme_each(local_bot):
    bot = await docs_bot(local_bot)
    answers = await ask_traffic(bot, SCOPE)
    floor = bot.settings.gap_confidence
    n_uncovered = sum(len(v) for v in UNCOVERED.values())
    # What production recorded: every uncovered question abstained on, the covered ones answered with
    # confidence, and among the one-offs an answer given below the gap threshold (a gap all the same).
    logged = [await bot.answers.get(a.id) for a in answers]
    assert all(not a.answered and a.outcomes == (Outcome.ABSTAINED,) for a in logged[:n_uncovered])
    assert all(a.answered and a.confidence >= floor for a in logged[n_uncovered:n_uncovered + len(COVERED)])
    one_offs = logged[n_uncovered + len(COVERED):]
    assert any(a.answered and a.confidence < floor for a in one_offs), [(a.question, a.confidence) for a in one_offs]

    report = await gap_report(bot, 30 * 86400)
    assert report["questions"] == n_uncovered + len(COVERED) + len(ONE_OFF)
    assert report["unanswered"] == n_uncovered + len(ONE_OFF)
    themes = report["themes"]
    first = themes[:len(UNCOVERED)]
    for topic, paraphrases in UNCOVERED.items():
        holding = [t for t in themes if set(t["questions"]) & set(paraphrases)]
        assert len(holding) == 1, (topic, [t["label"] for t in holding])
        theme = holding[0]
        assert theme in first and theme["count"] == len(paraphrases) == theme["people"]
        assert theme["trend"] == len(paraphrases)  # nothing the month before
        assert theme["channels"] == [SCOPE]
        assert len(theme["questions"]) == min(3, len(paraphrases))
        assert theme["nearest"]["source"] == "lorebot-docs" and 0 < theme["nearest"]["score"] < 1
        assert theme["nearest"]["path"] and theme["nearest"]["url"] == ""  # files: a path, no address
    assert not {q for t in themes for q in t["questions"]} & set(COVERED)
    assert [t["count"] for t in themes[len(UNCOVERED):]] == [1] * len(ONE_OFF)
    labels = {t["label"] for t in first}
    assert any("vpn" in label.lower() for label in labels)
    assert any("Elternzeit" in label or "elternzeit" in label for label in labels)
    assert any("パスワード" in label for label in labels)


async def test_trend_channels_and_period(local_bot):
    bot = await docs_bot(local_bot)
    await Registry(bot.redis, bot.settings.key_prefix).link("lorebot-docs", "discord:42")
    now = time.time() + 60  # after the questions below
    for i, text in enumerate(UNCOVERED["vpn"][:3]):  # three last month, one this month
        answer = await bot.answer(Question("slack", "C0000001", text, user=f"U{i}"))
        await backdate(bot, answer.id, now - 40 * 86400)
    await bot.answer(Question("slack", "C0000001", UNCOVERED["vpn"][3], user="U9"))
    await bot.answer(Question("discord", "42", "Where do I file my travel expenses?", user="7"))
    # The channel loses its source after the question: its gaps remain, with no page to compare.
    await Registry(bot.redis, bot.settings.key_prefix).unlink("lorebot-docs", "discord:42")
    report = await gap_report(bot, 30 * 86400, now=now)
    vpn = next(t for t in report["themes"] if UNCOVERED["vpn"][3] in t["questions"])
    assert (vpn["count"], vpn["trend"]) == (1, 1 - 3)
    only = await gap_report(bot, 30 * 86400, ["discord:42"], now=now)
    assert [t["channels"] for t in only["themes"]] == [["discord:42"]]
    assert only["themes"][0]["nearest"] is None  # no source is linked to that channel
    assert (await gap_report(bot, 7 * 86400, ["slack:C0000001"], now=now - 35 * 86400))["unanswered"] == 3


async def test_questions_answered_only_by_a_person_are_gaps(fake_bot):
    """A question a person answered while Lorebot waited is logged with that outcome alone, counts in
    the gap report (the documentation backlog) however well the documents cover it, once per
    question however many processes saw the reply, and is never re-asked after a sync."""
    from adapters.chat.pending import answered_by_person
    from bot.insights.reanswer import reanswers

    bot = await docs_bot(fake_bot, "slack:C1")
    await bot.channels.update("slack:C1", reanswer=True)
    q = Question("slack", "C1", "How do I connect Lorebot to Slack?", user="U1", thread="1.1")
    answer_id = await answered_by_person(bot, q, "slack:message:1.1")
    assert answer_id and await answered_by_person(bot, q, "slack:message:1.1") == ""
    logged = await bot.answers.get(answer_id)
    assert logged.outcomes == (Outcome.ANSWERED_BY_PERSON,) and not logged.answered and logged.answer == ""
    assert (logged.question, logged.user, logged.thread, logged.scope) == (q.text, "U1", "1.1", "slack:C1")
    report = await gap_report(bot, 3600, ["slack:C1"])
    assert (report["questions"], report["unanswered"]) == (1, 1)
    assert report["themes"][0]["questions"] == [q.text] and report["themes"][0]["people"] == 1
    assert [r async for r in reanswers(bot, "slack", {"lorebot-docs"})] == []
