"""Topics (`lorebot topics`): every question of a period, answered or not, in themes with weekly
counts, and the themes growing faster than the traffic as a whole flagged.

The trend test: under no change, each question of a theme falls into the recent window (the last 7
days, or the last half of a period shorter than 14 days) with the same probability p as any question
of the period (the recent window's share of all traffic). A theme is growing when it has at least
MIN_GROWING questions in the window and a one-sided exact binomial test (scipy.stats.binomtest)
rejects that probability at GROWTH_P; `growth` is its recent share over p. Comparing with the whole
traffic, not with time, keeps a busy week from flagging every theme.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from scipy.stats import binomtest

from bot.core import Lorebot
from bot.insights.gaps import LABEL_CHARS, REPRESENTATIVES, examples, iso, short, themes_of
from bot.insights.questions import load_questions

WEEK = 7 * 86400
GROWTH_P = 0.05
MIN_GROWING = 3
MIN_THEME = 2  # smaller themes are counted together as one-off questions


def recent_window(period: float) -> float:
    """Seconds at the end of the period that count as recent."""
    return WEEK if period >= 2 * WEEK else period / 2


async def topic_report(bot: Lorebot, period: float, scopes: list[str] | None = None,
                       now: float | None = None) -> dict[str, object]:
    """{"since", "until", "questions", "one_off", "weeks": [ISO date of each week's start], "themes":
    [{"label", "count", "people", "weekly", "growing", "growth", "p_value", "questions", "questions_cut",
    "channels"}],
    "growing": [labels, fastest first]}. Weeks run back from `now` (the first may be partial)."""
    now = time.time() if now is None else now
    start = now - period
    asked = [a for a in await load_questions(bot.answers, start, now, scopes) if not a.failed]
    themed = await themes_of(bot, asked)
    n_weeks = max(1, math.ceil(period / WEEK))
    week_starts = [max(start, now - (n_weeks - w) * WEEK) for w in range(n_weeks)]
    recent_from = now - recent_window(period)
    p = sum(a.ts >= recent_from for a in asked) / len(asked) if asked else 0.0
    themes: list[dict[str, object]] = []
    one_off = 0
    for group, label in zip(themed.groups, themed.labels):
        members = [asked[i] for i in group.members]
        if len(members) < MIN_THEME:
            one_off += len(members)
            continue
        weekly = [0] * n_weeks
        for m in members:
            weekly[min(n_weeks - 1, max(0, n_weeks - 1 - int((now - m.ts) // WEEK)))] += 1
        recent = sum(m.ts >= recent_from for m in members)
        pvalue = binomtest(recent, len(members), p, alternative="greater").pvalue if 0 < p < 1 else 1.0
        themes.append({
            "label": label or short(members[0].text, LABEL_CHARS), "count": len(members),
            "people": len({m.user or m.id for m in members}), "weekly": weekly,
            "growing": recent >= MIN_GROWING and pvalue < GROWTH_P,
            "growth": round((recent / len(members)) / p, 2) if p else 0.0, "p_value": round(float(pvalue), 4),
            **examples(group.nearest(themed.vectors, [a.text for a in asked], REPRESENTATIVES)),
            "channels": sorted({m.scope for m in members}),
        })
    themes.sort(key=lambda t: (-t["count"], t["label"]))  # type: ignore[operator]
    growing = sorted((t for t in themes if t["growing"]), key=lambda t: -t["growth"])  # type: ignore[operator]
    return {"since": iso(start), "until": iso(now), "questions": len(asked), "one_off": one_off,
            "weeks": [datetime.fromtimestamp(w, UTC).date().isoformat() for w in week_starts],
            "themes": themes, "growing": [t["label"] for t in growing]}
