"""Knowledge gaps (`lorebot gaps`, the weekly digest): the questions of a period the documents did not
answer (bot.insights.questions), grouped into themes, each with its label, how many questions and
people, the trend against the period before, three representative questions, the nearest page (the
near miss) and the channels involved. Themes are ordered by people, then questions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from bot.core import Lorebot
from bot.insights.labels import label_classes
from bot.insights.nearest import nearest_page, sources_of
from bot.insights.questions import Asked, load_questions
from bot.insights.themes import Group, assign, cluster, groups
from bot.insights.titles import model_titles

EMBED_BATCH = 512
REPRESENTATIVES = 3
# An example question as reports show it (table, HTML, digest, JSON): the log keeps up to 4,000 characters
# (bot.types.MAX_QUESTION_CHARS), a paste that a report would print over thousands of lines.
SHOWN_CHARS = 300
LABEL_CHARS = 60  # a theme labelled by its first question, when it has no telling words


def short(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` on one line, cut to `limit` characters, the last an ellipsis when it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def examples(texts: list[str]) -> dict[str, object]:
    """A theme's example questions as reports carry them: "questions", each cut to SHOWN_CHARS, and
    "questions_cut", for each one whether it was (its full text, up to 4,000 characters, is in the log)."""
    return {"questions": [short(t) for t in texts],
            "questions_cut": [len(" ".join(t.split())) > SHOWN_CHARS for t in texts]}


async def embed_questions(bot: Lorebot, texts: list[str]) -> np.ndarray:
    """Normalised embeddings (len(texts) x dims) of `texts` with the serving model, each distinct text
    embedded once and kept in the embeddings cache (CachedEmbedder), so the next report reads them."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return np.zeros((0, bot.embedder.dims or 1), dtype=np.float32)
    parts = [await bot.embedder.embed_documents(distinct[i:i + EMBED_BATCH])
             for i in range(0, len(distinct), EMBED_BATCH)]
    vectors = np.concatenate(parts)
    row = {t: i for i, t in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Themed:
    """A clustering of some questions: their vectors, groups and labels."""

    asked: list[Asked]
    vectors: np.ndarray
    groups: list[Group]
    labels: list[str]


async def themes_of(bot: Lorebot, asked: list[Asked], background: Iterable[Asked] = ()) -> Themed:
    """Cluster `asked` by meaning and label each theme against `background` (bot.insights.labels)."""
    vectors = await embed_questions(bot, [a.text for a in asked])
    found = groups(vectors, cluster(vectors, bot.settings.theme_distance)) if asked else []
    labels = label_classes([[asked[i].text for i in g.members] for g in found], [b.text for b in background])
    return Themed(asked, vectors, found, labels)


async def gap_report(bot: Lorebot, period: float, scopes: list[str] | None = None, now: float | None = None,
                     top: int | None = None, titles: bool = True) -> dict[str, object]:
    """The report `lorebot gaps --json` prints: {"since", "questions", "unanswered", "themes": [{"label",
    "count", "people", "trend", "questions", "questions_cut", "nearest", "channels"}]} (questions: examples()).
    `period` in seconds, back from `now`; `scopes` limits it to those channels; `top` to the first themes.
    `trend` is the theme's count less the count of the period before (of the same length) that falls into
    the theme."""
    now = time.time() if now is None else now
    start = now - period
    both = await load_questions(bot.answers, start - period, now, scopes)
    current = [a for a in both if a.ts >= start and not a.failed]
    previous = [a for a in both if a.ts < start and not a.failed]
    floor = bot.settings.gap_confidence
    gaps = [a for a in current if a.is_gap(floor)]
    themed = await themes_of(bot, gaps, [a for a in current if not a.is_gap(floor)])
    before = [a for a in previous if a.is_gap(floor)]
    centroids = np.stack([g.centroid for g in themed.groups]) if themed.groups else np.zeros((0, 1), np.float32)
    earlier = assign(await embed_questions(bot, [a.text for a in before]), centroids, bot.settings.theme_distance)
    themes: list[tuple[dict[str, object], Group]] = []
    for n, (group, label) in enumerate(zip(themed.groups, themed.labels)):
        members = [gaps[i] for i in group.members]
        themes.append(({
            "label": label or short(members[0].text, LABEL_CHARS),
            "count": len(members),
            "people": len({m.user or m.id for m in members}),
            "trend": len(members) - int((earlier == n).sum()),
            **examples(group.nearest(themed.vectors, [a.text for a in gaps], REPRESENTATIVES)),
            "nearest": None,
            "channels": sorted({m.scope for m in members}),
        }, group))
    themes.sort(key=lambda t: (-int(t[0]["people"]), -int(t[0]["count"]), str(t[0]["label"])))  # type: ignore[call-overload]
    shown = themes[:top] if top is not None else themes
    for theme, group in shown:
        theme["nearest"] = await nearest_page(bot, group.centroid, await sources_of(bot, list(theme["channels"])))  # type: ignore[call-overload]
    if titles and bot.generator is not None:
        written = await model_titles(bot, [list(t["questions"]) for t, _ in shown])  # type: ignore[call-overload]
        for (theme, _), title in zip(shown, written):
            if title:
                theme["label"] = title
    return {"since": iso(start), "questions": len(current), "unanswered": len(gaps),
            "themes": [theme for theme, _ in shown]}
