"""A thread's earlier messages as context for a question (Question.context), bounded the same way on
every platform: the last CONTEXT_MESSAGES messages, at most CONTEXT_CHARS characters, the latest kept."""

from __future__ import annotations

from collections.abc import Iterable

CONTEXT_MESSAGES = 20
CONTEXT_CHARS = 4000


def bounded_context(lines_newest_first: Iterable[str], limit: int = CONTEXT_CHARS) -> str:
    """`user: text` lines (newest first) joined oldest first, keeping the newest that fit in `limit`
    characters; a single newest line longer than `limit` keeps its end."""
    kept: list[str] = []
    size = 0
    for line in lines_newest_first:
        if size + len(line) > limit:
            if not kept:
                kept.append(line[-limit:])
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(reversed(kept))
