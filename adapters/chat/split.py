"""Cutting long text into messages (or blocks) that each fit a platform's limit: one splitter for
Slack mrkdwn and Discord Markdown alike.

A piece ends at the best break in the second half of its room (paragraph, line, sentence, clause,
word), never inside an unbreakable span (a link, a mention, an entity, a URL; `ATOMS`), unless such
a span is longer than most of the room, when it is cut through. A code block cut in two is closed at
the end of one piece and reopened, with its language, at the start of the next, so every piece has
balanced fences.
"""

from __future__ import annotations

import bisect
import re

FENCE = "```"
CLOSE = "\n" + FENCE  # what closes a code block at the end of a piece
# Where a piece may end, best first, and how much of the separator stays with the piece (a sentence's
# full stop does; the space or line break after it is dropped at the cut).
BREAKS = (("\n\n", 0), ("\n", 0), (". ", 1), ("! ", 1), ("? ", 1), ("。", 1), ("; ", 1), (", ", 1), (" ", 0))
# Spans never cut: Slack's <url|label>, <@U1>, <!here> and Discord's <@1>, <#1>, <:emoji:1>; HTML
# entities (&amp;); Markdown links [label](url), with one level of parentheses in the URL; bare URLs.
ATOMS = re.compile(
    r"<[^<>\n]{1,2000}>"
    r"|&#?\w{1,10};"
    r"|\[[^\[\]\n]{0,500}\]\((?:[^()\s]|\([^()\s]*\))*\)"
    r"|https?://[^\s<>()]+(?:\([^\s<>()]*\)[^\s<>()]*)*"
)
# A fence; the language is read only from a fence that opens a block on a line of its own.
_FENCE = re.compile(r"```(?:([\w+#.-]+)(?=[ \t]*\n))?")


def split_text(text: str, limit: int, atoms: re.Pattern[str] = ATOMS) -> list[str]:
    """`text` (stripped) as pieces of at most `limit` characters, none empty (an empty list for
    blank text), in order; joined again they hold every word of `text`. `limit` must leave room for
    a code block's reopening fence and its close (about 20 characters)."""
    text = text.strip()
    spans = _spans(text, atoms)
    pieces: list[str] = []
    start, reopen = 0, ""
    while start < len(text):
        if len(reopen) + len(text) - start <= limit:
            pieces.append(reopen + text[start:])
            break
        room = limit - len(reopen) - len(CLOSE)
        cut, skip = find_cut(text, start + room, (start + room // 2, start + 1), start + room // 4, spans)
        body = text[start:cut].rstrip()
        language = open_block(text[start:cut], reopen)
        piece = reopen + body
        if language is not None:
            piece += CLOSE
        if body.strip():
            pieces.append(piece)
        reopen = "" if language is None else f"{FENCE}{language}\n"
        start = cut + skip
        while start < len(text) and text[start] == "\n":
            start += 1
    return pieces


def open_block(chunk: str, reopen: str = "") -> str | None:
    """The language ("" when none) of the code block still open at the end of `chunk` (which begins
    inside the block `reopen` opened, when given), or None when every block in it is closed."""
    language: str | None = reopen[len(FENCE):].strip() if reopen else None
    for fence in _FENCE.finditer(chunk):
        language = (fence.group(1) or "") if language is None else None
    return language


def find_cut(text: str, end: int, lows: tuple[int, ...], floor: int,
             spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Where a piece of `text` should end, at most at index `end`: (the index it ends before, how
    many separator characters after it to skip). The best break outside every unbreakable span
    (`spans`: sorted (start, end) pairs, from `spans_of`) at or after the first of `lows` that has
    one; else the start of the span `end` falls in, when that is past `floor`; else `end` itself."""
    for lowest in dict.fromkeys(lows):
        for sep, kept in BREAKS:
            at = _rfind_outside(text, sep, lowest, end - kept + 1, spans)
            if at != -1:
                return at + kept, len(sep) - kept
    inside = _span_at(spans, end)
    if inside is not None and inside[0] > floor:
        return inside[0], 0
    return end, 0


def spans_of(text: str, atoms: re.Pattern[str] = ATOMS) -> list[tuple[int, int]]:
    """The unbreakable spans of `text`, for `find_cut`."""
    return _spans(text, atoms)


def _spans(text: str, atoms: re.Pattern[str]) -> list[tuple[int, int]]:
    return [m.span() for m in atoms.finditer(text)]


def _span_at(spans: list[tuple[int, int]], at: int) -> tuple[int, int] | None:
    """The span that `at` falls strictly inside (a cut there would break it), if any."""
    i = bisect.bisect_right(spans, (at, at)) - 1
    for span in spans[max(i, 0):i + 2]:
        if span[0] < at < span[1]:
            return span
    return None


def _rfind_outside(text: str, sep: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> int:
    """The last occurrence of `sep` starting in [lo, hi) that is not inside a span, or -1."""
    while hi > lo:
        at = text.rfind(sep, lo, hi + len(sep) - 1)
        if at == -1:
            return -1
        inside = _span_at(spans, at)
        if inside is None:
            return at
        hi = inside[0]
    return -1
