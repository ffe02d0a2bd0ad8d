"""Heading-aware chunking sized to the embedder's token window.

Chunks follow headings (each carries its page title and heading path), are packed from whole blocks
(paragraphs, code fences, table rows), and never exceed the window: an oversized block is split at
line, then sentence, then word boundaries, so nothing is silently truncated by the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
RESERVED_TOKENS = 2  # [CLS]/[SEP] or their equivalent


@dataclass(frozen=True, slots=True)
class Chunk:
    n: int
    title: str
    headings: tuple[str, ...]
    text: str

    @property
    def heading(self) -> str:
        return " > ".join(self.headings)

    @property
    def embed_text(self) -> str:
        """What the embedder sees: title and heading path give a passage its context."""
        head = " > ".join(h for h in (self.title, *self.headings) if h)
        return f"{head}\n\n{self.text}" if head else self.text


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    code: bool = False


def _blocks(text: str) -> list[tuple[tuple[int, str] | None, _Block | None]]:
    """Split into ((level, heading) | None, block | None) items in order."""
    out: list[tuple[tuple[int, str] | None, _Block | None]] = []
    para: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")

    def flush() -> None:
        if para and any(p.strip() for p in para):
            out.append((None, _Block("\n".join(para).strip())))
        para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            flush()
            fence = [line]
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith("```"):
                fence.append(lines[i])
                i += 1
            fence.append("```")
            out.append((None, _Block("\n".join(fence), code=True)))
        elif m := _HEADING.match(line):
            flush()
            out.append(((len(m.group(1)), m.group(2).strip()), None))
        elif not line.strip():
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return out


class Chunker:
    def __init__(self, count_tokens: Callable[[str], int], max_tokens: int):
        self.count = count_tokens
        self.max_tokens = max_tokens

    def chunk(self, title: str, text: str) -> list[Chunk]:
        chunks: list[Chunk] = []
        stack: list[tuple[int, str]] = []
        current: list[str] = []
        used = 0

        def budget() -> int:
            head = Chunk(0, title, tuple(h for _, h in stack), "").embed_text
            return self.max_tokens - RESERVED_TOKENS - self.count(head + "\n\n")

        def flush() -> None:
            nonlocal used
            if current:
                chunks.append(Chunk(len(chunks), title, tuple(h for _, h in stack), "\n\n".join(current)))
            current.clear()
            used = 0

        room = budget()
        for heading, block in _blocks(text):
            if heading is not None:
                flush()
                level, name = heading
                if level == 1 and name == title and not stack:
                    continue  # the page's own title heading: already in every chunk
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append(heading)
                room = budget()
                continue
            assert block is not None
            for piece in self._fit(block, max(room, 16)):
                cost = self.count(piece) + (1 if current else 0)
                if current and used + cost > room:
                    flush()
                    cost = self.count(piece)
                current.append(piece)
                used += cost
        flush()
        return chunks

    def _fit(self, block: _Block, room: int) -> list[str]:
        """The block itself if it fits, else pieces that each fit."""
        if self.count(block.text) <= room:
            return [block.text]
        if block.code:
            body = block.text.split("\n")[1:-1]
            return [f"```\n{p}\n```" for p in self._pack(body, room - 4, "\n")]
        lines = block.text.split("\n")
        if len(lines) > 1:
            return self._pack(lines, room, "\n")
        return self._pack(_SENTENCE.split(block.text), room, " ")

    def _pack(self, units: list[str], room: int, sep: str) -> list[str]:
        """`units` joined with `sep` into pieces that fit; a unit too big on its own is split by words."""
        fitting: list[str] = []
        for unit in units:
            if self.count(unit) <= room:
                fitting.append(unit)
            elif sep == "\n" and len(sentences := _SENTENCE.split(unit)) > 1:
                # A line too long for a chunk (a table row with a pasted log): whole sentences first.
                fitting.extend(self._pack(sentences, room, " "))
            else:
                fitting.extend(self._split_words(unit, room))
        return self._greedy(fitting, room, sep)

    def _split_words(self, text: str, room: int) -> list[str]:
        if " " in text.strip():
            return self._greedy(text.split(" "), room, " ")
        return self._greedy(list(text), room, "")  # CJK text has no spaces

    def _greedy(self, units: list[str], room: int, sep: str) -> list[str]:
        pieces: list[str] = []
        cur: list[str] = []
        for unit in units:
            if cur and self.count(sep.join([*cur, unit])) > room:
                pieces.append(sep.join(cur))
                cur = []
            cur.append(unit)
        if cur:
            pieces.append(sep.join(cur))
        return pieces
