"""Topics: every question in a theme with weekly counts; a theme whose questions crowd into the last
week while the rest of the traffic does not is flagged as growing, a steady one is not."""

from __future__ import annotations

import time

from bot.insights.labels import label_classes
from bot.insights.topics import topic_report
from bot.types import Answer, Question
from tests.bot.insights.traffic import UNCOVERED, backdate

WEEK = 7 * 86400


async def test_weekly_counts_and_growth(local_bot):
    bot = local_bot
    now = time.time() + 60
    steady = UNCOVERED["expenses"]
    for week in range(4):  # the same few expense questions every week
        for i, text in enumerate(steady):
            a = await bot.answers.record(Question("slack", "C1", text, user=f"E{i}"), Answer("x"))
            await backdate(bot, a, now - week * WEEK - 3600)
    for i in range(8):  # VPN questions: none before, eight in the last week
        text = UNCOVERED["vpn"][i % 4]
        await backdate(bot, await bot.answers.record(Question("slack", "C1", text, user=f"V{i}"), Answer("x")),
                       now - 3600 * (i + 1))
    report = await topic_report(bot, 28 * 86400, now=now)
    assert report["questions"] == 12 + 8 and len(report["weeks"]) == 4
    vpn = next(t for t in report["themes"] if UNCOVERED["vpn"][0] in t["questions"])
    expenses = next(t for t in report["themes"] if steady[0] in t["questions"])
    assert vpn["weekly"] == [0, 0, 0, 8] and vpn["growing"] and vpn["people"] == 8
    assert expenses["weekly"] == [3, 3, 3, 3] and not expenses["growing"]
    assert report["growing"] == [vpn["label"]]


def test_labels_are_distinctive_terms():
    labels = label_classes([UNCOVERED["vpn"], UNCOVERED["elternzeit"], UNCOVERED["password"]],
                           background=["How do I connect Lorebot to Slack from home?"])
    assert labels[0].split(" · ")[0] == "vpn"  # search terms are lower-case
    assert "elternzeit" in labels[1] and "ich" not in labels[1].split(" · ")
    assert labels[2].split(" · ")[0] == "パスワード"
