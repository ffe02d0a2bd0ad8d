"""The answer when no model endpoint is configured: the best sentences of the best passages,
quoted with their sources."""

from __future__ import annotations

import re

from bot.citations import citation, quote_of
from bot.query_text import search_terms
from bot.types import Answer, Passage

_SENT = re.compile(r"(?<=[.!?。！？])\s+|\n+")
MAX_PASSAGES = 3
MAX_SENTENCES = 2

INTRO = "Here is what your documents say (no language model is configured, so these are the best passages):"


def best_sentences(text: str, terms: set[str], limit: int = MAX_SENTENCES) -> str:
    sentences = [s.strip() for s in _SENT.split(text) if len(s.strip()) > 2 and not s.strip().startswith("```")]
    if not sentences:
        return quote_of(text)
    scored = []
    for i, s in enumerate(sentences):
        words = set(search_terms(s))
        scored.append((len(words & terms), -i, s))
    top = sorted(scored, reverse=True)[:limit]
    if top[0][0] == 0:
        return quote_of(" ".join(sentences[:limit]))
    chosen = sorted(top, key=lambda t: -t[1])  # back in document order
    return quote_of(" ".join(s for _, _, s in chosen), 400)


def extractive_answer(question: str, passages: list[Passage], intro: str = INTRO) -> Answer:
    terms = set(search_terms(question))
    lines = [intro, ""]
    cites = []
    for n, p in enumerate(passages[:MAX_PASSAGES], 1):
        quote = best_sentences(p.text, terms)
        lines.append(f"> {quote} [{n}]")
        lines.append("")
        cites.append(citation(n, p, quote))
    return Answer(text="\n".join(lines).strip(), citations=tuple(cites), mode="extractive")
