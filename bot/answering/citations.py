"""Citations: which passages an answer cites, renumbered in order of first use."""

from __future__ import annotations

import re

from bot.types import Citation, Passage

_MARK = re.compile(r"\[(\d{1,2})\]")
QUOTE_CHARS = 300


def quote_of(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def citation(n: int, p: Passage, quote: str | None = None) -> Citation:
    return Citation(
        n=n, title=p.title, source=p.source, path=p.path, url=p.url,
        quote=quote_of(quote if quote is not None else p.text), heading=p.heading,
    )


def cite(text: str, passages: list[Passage], fallback: int = 3) -> tuple[str, tuple[Citation, ...]]:
    """Renumber the [n] marks of `text` to 1..k in order of first use and list those passages.
    Marks pointing at no passage are dropped. An answer with no marks lists the top passages."""
    order: dict[int, int] = {}
    for m in _MARK.finditer(text):
        n = int(m.group(1))
        if 1 <= n <= len(passages) and n not in order:
            order[n] = len(order) + 1

    def renumber(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[{order[n]}]" if n in order else ""

    new_text = _MARK.sub(renumber, text)
    if order:
        cites = tuple(citation(new, passages[old - 1]) for old, new in sorted(order.items(), key=lambda kv: kv[1]))
    else:
        cites = tuple(citation(i + 1, p) for i, p in enumerate(passages[:fallback]))
    return new_text, cites
