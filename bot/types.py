"""The platform-neutral types that adapters hand to the core and get back from it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Question:
    """One question as any adapter sees it.

    `channel` is the conversation the question was asked in (a Slack channel or DM, a Discord
    channel); `thread` narrows memory to one thread of it (None: the channel's own memory).
    """

    platform: str  # "slack", "discord", "cli"
    channel: str
    text: str
    user: str = ""
    thread: str | None = None
    is_dm: bool = False

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
    """What the core returns. `mode` is "generative", "extractive", or "notice" (no answer was
    searched for: a channel with no sources, an empty question, a failure explained to the user)."""

    text: str
    citations: tuple[Citation, ...] = ()
    mode: str = "extractive"
    error: str | None = None  # a short machine-readable reason (notice, or why generation fell back)
    id: str = ""  # the answer log id feedback refers to

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "mode": self.mode,
            **({"error": self.error} if self.error else {}),
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
