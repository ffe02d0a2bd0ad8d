"""The parsed document every reader produces, whatever the export format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# What the indexer does to a document's text before chunking (bot.retrieval.languages.normalise),
# in every hash: a new version re-indexes each document once at its next sync, so the text already
# indexed is repaired as new text is. v2: ftfy's repairs (mojibake, curly quotes) before NFKC.
# v3: new `terms` (bot.retrieval.tokens: identifiers and words cut out of CJK text, versions without
# their v, identifiers fused in Chinese chunks).
TEXT_VERSION = b"text-v3\x00"


@dataclass(frozen=True, slots=True)
class Document:
    """One page or file of an export, as Markdown-like text.

    `text` uses a small Markdown subset the chunker understands: `#` headings (any depth), blank-line
    separated paragraphs, fenced code blocks (```), and tables already flattened to one line per row
    ("Header: value; Header: value") so that a row never loses its header.
    `doc_id` is stable across syncs of the same export (a page id, or the file's path in the export).
    """

    doc_id: str
    title: str
    text: str
    path: str = ""  # breadcrumb or folder path, "Space / Parent / Page"
    url: str = ""
    modified: str = ""  # ISO 8601 where the export says
    author: str = ""
    kind: str = ""  # "markdown", "confluence-page", "docx", ...
    parent_id: str = ""  # the page an attachment belongs to
    file: str = ""  # the export file it was read from (kept indexed if that file later fails to read)
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is indexed changes (text or metadata)."""
        h = hashlib.sha256(TEXT_VERSION)
        for part in (self.title, self.text, self.path, self.url, self.modified, self.author, self.parent_id):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()[:32]


class ReaderError(Exception):
    """A file that cannot be read; its message is the reason shown in the sync report."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A file reported and skipped; what it indexed before stays indexed."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "reason": self.reason}
