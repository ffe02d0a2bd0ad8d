"""The answer when no model endpoint is configured: the best sentences of the best passages,
quoted with their sources."""

from __future__ import annotations

import re

from bot.answering.citations import citation, quote_of
from bot.retrieval.query_text import search_terms
from bot.types import Answer, AnswerMode, Passage

_SENT = re.compile(r"(?<=[.!?。！？])\s+")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


def sentences(text: str) -> list[str]:
    """Sentences of a passage: hard-wrapped lines joined, list items and table rows kept apart,
    code left out."""
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        if block.lstrip().startswith("```"):
            continue
        current = ""
        for line in block.split("\n"):
            if _ITEM.match(line) or not current:
                if current:
                    units.append(current)
                current = _ITEM.sub("", line).strip()
            else:
                current += " " + line.strip()
        if current:
            units.append(current)
    return [s.strip() for u in units for s in _SENT.split(u) if len(s.strip()) > 2]
MAX_PASSAGES = 3
MAX_SENTENCES = 2

INTRO = "Here is what your documents say (no language model is configured, so these are the best passages):"


def best_sentences(text: str, terms: set[str], limit: int = MAX_SENTENCES) -> str:
    found = sentences(text)
    if not found:
        return quote_of(text)
    scored = []
    for i, s in enumerate(found):
        words = set(search_terms(s))
        scored.append((len(words & terms), -i, s))
    top = sorted(scored, reverse=True)[:limit]
    if top[0][0] == 0:
        return quote_of(" ".join(found[:limit]))
    chosen = sorted(top, key=lambda t: -t[1])  # back in document order
    return quote_of(" ".join(s for _, _, s in chosen), 400)


def extractive_answer(question: str, passages: list[Passage], intro: str = INTRO) -> Answer:
    """Up to MAX_PASSAGES of `passages` (best first), each quoted by its best sentences and cited.
    A quote already shown (the same page indexed in two sources) is not shown again; and when the best
    passage holds words of the question, a later one that holds none is left out: it came from the
    vector side alone, and quoted beside real evidence it reads as evidence too."""
    terms = set(search_terms(question))
    lines = [intro, ""]
    cites: list = []
    shown: set[str] = set()
    anchored = False
    for p in passages:
        if len(cites) == MAX_PASSAGES:
            break
        holds = bool(terms & set(search_terms(f"{p.title}\n{p.heading}\n{p.text}")))
        if cites and anchored and not holds:
            continue
        quote = re.sub(r"\[(\d+)\]", r"(\1)", best_sentences(p.text, terms))  # only our marks are marks
        seen = " ".join(quote.lower().split())
        if seen in shown:
            continue
        shown.add(seen)
        anchored = anchored or (not cites and holds)
        n = len(cites) + 1
        lines.append(f"> {quote} [{n}]")
        lines.append("")
        cites.append(citation(n, p, quote))
    return Answer(text="\n".join(lines).strip(), citations=tuple(cites), mode=AnswerMode.EXTRACTIVE)
