"""The answer when Lorebot abstains: one short, platform-neutral notice that the documents the channel
can see do not cover the question, with up to three closest pages as citations without quotes (links
to look at, not passages to trust). What a channel adds to it (a hand-off to people) is the adapters'."""

from __future__ import annotations

from bot.types import Answer, AnswerMode, Citation, Passage, Reason

NOT_COVERED = "The documents this channel can see don't cover this."
CLOSEST = "These pages come closest:"
MAX_CLOSEST = 3


def closest_pages(passages: list[Passage], limit: int = MAX_CLOSEST) -> tuple[Citation, ...]:
    """The first `limit` distinct documents of `passages`, as citations with no quote."""
    pages: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for p in passages:
        if (p.source, p.doc_id) in seen:
            continue
        seen.add((p.source, p.doc_id))
        pages.append(Citation(n=len(pages) + 1, title=p.title, source=p.source, path=p.path, url=p.url, quote=""))
        if len(pages) >= limit:
            break
    return tuple(pages)


def not_covered(passages: list[Passage], confidence: float, says: str = NOT_COVERED,
                closest: str = CLOSEST) -> Answer:
    """The abstention: Reason.NOT_COVERED, answered False, `confidence` as judged; `says` is the notice
    and `closest` the line before the pages, both in the question's language (bot.answering.notices)."""
    pages = closest_pages(passages)
    text = f"{says} {closest}" if pages else says
    return Answer(text=text, citations=pages, mode=AnswerMode.NOTICE, error=Reason.NOT_COVERED,
                  confidence=confidence, answered=False)
