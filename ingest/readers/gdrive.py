"""Google Drive exports (kind "gdrive"): a Drive "Download" zip of a folder, or a Google Takeout zip.

Both hold ordinary files (Docs as .docx, Sheets as .xlsx, Slides as .pptx, and .pdf, .html, .csv,
.md, .txt), read by the file readers. What Drive adds: Takeout puts everything under
Takeout/Drive/ (other Google products beside it are not Drive content), and names a second file of
the same name "Doc(1).docx"; the title drops that counter, the doc_id (the path) keeps the files
apart. The file's path in Drive becomes Document.path ("Drive / Folder / Sub / Doc.docx"): with
the title (a heading inside the file, perhaps) a citation still names the file to open.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from ingest.documents import Document, Failure
from ingest.export import Export
from ingest.readers import read_files

TAKEOUT = "Takeout/"
TAKEOUT_DRIVE = "Takeout/Drive/"
OFFICE = (".docx", ".xlsx", ".pptx")
_COUNTER = re.compile(r"\s*\(\d+\)$")
_OCCURRENCE = re.compile(r"#\d+$")  # a repeated zip entry's key: "Folder/Doc.docx#2"


def detect(names: set[str]) -> bool:
    return any(n.startswith(TAKEOUT_DRIVE) or n.lower().endswith(OFFICE) for n in names)


def read_export(export: Export) -> Iterator[Document | Failure]:
    takeout = any(f.path.startswith(TAKEOUT_DRIVE) for f in export.files())
    for item in read_files(export):
        if takeout and not item.file.startswith(TAKEOUT_DRIVE):
            continue  # Takeout's index page, or another product's data
        if isinstance(item, Document):
            item = dataclasses.replace(item, path=drive_path(item.file, takeout), title=_title(item))
        yield item


def drive_path(file: str, takeout: bool) -> str:
    """The file's path in Drive, "Drive / Team / Plan.docx" (Takeout's "Plan(1).docx" is "Plan.docx")."""
    pure = PurePosixPath(_OCCURRENCE.sub("", file))
    parts = pure.parts
    if takeout:
        parts = (*parts[1:-1], _COUNTER.sub("", pure.stem) + pure.suffix)  # drop "Takeout", and the counter
    return " / ".join(parts)


def _title(doc: Document) -> str:
    """Takeout's "Doc(1)" is a second file called "Doc": keep the name its owner gave it."""
    stem = PurePosixPath(_OCCURRENCE.sub("", doc.file)).stem
    if doc.title in {stem, re.sub(r"[_\-]+", " ", stem).strip()}:
        return _COUNTER.sub("", doc.title) or doc.title
    return doc.title
