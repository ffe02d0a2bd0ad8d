"""The platform-neutral types that adapters hand to the core and get back from it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

MAX_QUESTION_CHARS = 4000  # longer questions are cut: what the core searches with, answers and logs


def question_text(text: str) -> str:
    """A question as the core answers and the answer log keeps it: runs of whitespace as one space, at
    most MAX_QUESTION_CHARS characters; "" when it has no letter or digit in any script ("???", "...",
    emoji only): there is nothing to search for. Letters are Unicode's (categories L* and N*), so a
    question in Chinese, Arabic or Korean is a question."""
    text = " ".join(text.split())[:MAX_QUESTION_CHARS]
    return text if any(unicodedata.category(c)[0] in "LN" for c in text) else ""


class AnswerMode(StrEnum):
    """How an answer was made: written by the model, quoted from passages, or a notice (nothing was
    searched for or answered: no linked source, an empty question, a failure explained)."""

    GENERATIVE = "generative"
    EXTRACTIVE = "extractive"
    NOTICE = "notice"


class Reason(StrEnum):
    """Why an answer is a notice, or why generation fell back to quoting: a short machine-readable
    reason (`lorebot ask --json` prints it as `error`). The chat commands built on the core use the
    last group."""

    EMPTY_QUESTION = "empty_question"
    NO_SOURCES = "no_sources"
    NOT_FOUND = "not_found"
    REDIS_UNAVAILABLE = "redis_unavailable"
    MODEL_UNAVAILABLE = "model_unavailable"
    TIMEOUT = "timeout"
    INTERNAL = "internal"
    NOT_COVERED = "not_covered"  # abstained: the documents it can see do not answer this
    EXTERNAL_CHANNEL = "external_channel"  # shared with other organisations: no source is cleared for it
    # chat commands
    UNKNOWN_COMMAND = "unknown_command"
    NOT_ADMIN = "not_admin"
    MISSING_ARGUMENT = "missing_argument"
    UNKNOWN_SOURCE = "unknown_source"
    SYNC_RUNNING = "sync_running"


@dataclass(frozen=True, slots=True)
class Question:
    """One question as any adapter sees it.

    `channel` is the conversation the question was asked in (a channel or a DM
    on the adapter's platform); `thread` narrows memory to one thread of it (None: the channel's own memory).
    `context` is what was said before in the conversation (earlier messages of a thread, written by
    anyone: untrusted, like documents); it shapes retrieval and the prompt, never memory. `external`:
    asked where people of other organisations read along, so only sources cleared for sharing are seen.
    `alone`: a one-off question (`lorebot ask`), answered without the conversation's memory and kept
    out of it, as a question in a thread of its own would be.
    """

    platform: str  # the adapter's name: the part of the scope before the colon
    channel: str
    text: str
    user: str = ""
    thread: str | None = None
    is_dm: bool = False
    context: str = ""
    external: bool = False
    alone: bool = False

    @property
    def scope(self) -> str:
        """`PLATFORM:ID`, the key sources are linked to."""
        return f"{self.platform}:{self.channel}"

    @property
    def conversation(self) -> str:
        """The memory key: one per thread, or per channel outside threads."""
        base = self.scope
        return f"{base}:{self.thread}" if self.thread else base


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    title: str
    source: str
    path: str
    url: str
    quote: str
    heading: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "title": self.title,
            "source": self.source,
            "path": self.path,
            "url": self.url,
            "quote": self.quote,
            "heading": self.heading,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """What the core returns: the text (Markdown), its numbered citations, how it was made (AnswerMode)
    and, for a notice or a fallback, why (Reason)."""

    text: str
    citations: tuple[Citation, ...] = ()
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    error: Reason | None = None
    id: str = ""  # the answer log id feedback refers to
    confidence: float = 1.0  # 0..1: how sure the core is that its passages answer the question
    answered: bool = True  # False: it abstained (Reason.NOT_COVERED), or gave a notice instead

    @classmethod
    def not_answered(cls, text: str, reason: Reason | None = None) -> Answer:
        """A notice in place of an answer (no source linked, an empty question, a failure explained):
        nothing was answered, so `answered` is False and `confidence` 0 (`lorebot ask --json` reads
        them; a script that checks `answered` must not take a notice for an answer)."""
        return cls(text, mode=AnswerMode.NOTICE, error=reason, confidence=0.0, answered=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "mode": self.mode.value,
            "confidence": round(self.confidence, 4),
            "answered": self.answered,
            **({"error": self.error.value} if self.error else {}),
        }


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved chunk, with its fused score."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    heading: str
    path: str
    url: str
    text: str
    score: float = 0.0
    ranks: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
