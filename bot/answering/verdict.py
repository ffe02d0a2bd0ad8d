"""The model's own verdict that the passages do not answer: a reply that starts with the line MARKER
(the prompt, bot.answering.prompt, asks for it). Found in the full reply, and kept out of what is
streamed to the user: text that may still become the marker is held back until it cannot."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

MARKER = "NOT_COVERED"
OnText = Callable[[str], Awaitable[None]]
_DECOR = "*_`#>~ \t"  # Markdown a model may wrap the marker in: **NOT_COVERED**, `NOT_COVERED`
_LINE = re.compile(r"^[ \t]*[*_`#>~]*[ \t]*" + MARKER + r"[ \t]*[*_`~]*[ \t]*[.:!]?[ \t]*$\n?", re.MULTILINE)


def _bare(text: str) -> str:
    return text.strip().strip(_DECOR)


def says_not_covered(text: str) -> bool:
    """Whether a reply is the verdict: its first non-blank line is the marker (decoration and a
    trailing full stop or colon allowed)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return _bare(first).rstrip(".:!").strip(_DECOR) == MARKER


def without_marker(text: str) -> str:
    """The reply with any line that is only the marker removed (a model that answered and then added
    the marker anyway: the answer stands, the marker is never shown), and any inline one dropped."""
    return _LINE.sub("", text).replace(MARKER, "").strip()


class VerdictFilter:
    """Wraps the core's `on_text`: passes the text so far on without the marker, holds back a start
    that may still turn out to be the marker, and once the reply is the verdict passes nothing more."""

    def __init__(self, inner: OnText | None):
        self.inner = inner
        self.verdict = False
        self._shown = ""

    async def __call__(self, text_so_far: str) -> None:
        if self.inner is None or self.verdict:
            return
        if says_not_covered(text_so_far):
            self.verdict = True
            return
        head = _bare(text_so_far)
        if "\n" not in text_so_far.strip() and MARKER.startswith(head):
            return  # the reply so far may still become the marker (including no text yet)
        visible = _LINE.sub("", text_so_far).replace(MARKER, "")
        tail = re.search(r"[*_`]*[A-Z_]+$", visible)  # a partial marker at the end waits for what follows
        if tail and MARKER.startswith(tail.group(0).lstrip("*_`")) and tail.group(0).lstrip("*_`"):
            visible = visible[: tail.start()]
        if visible.strip() and visible != self._shown:
            self._shown = visible
            await self.inner(visible)
