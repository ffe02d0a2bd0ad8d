"""PowerPoint (.pptx) files, as Google Drive exports Slides, and the Document building that Word
files (ingest.readers.docx_reader) share.

pptx: one `## Slide N: title` section per slide with the text of every shape (inside groups, nested
or not), tables one line per row under their first row, and the speaker notes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ingest.documents import Document
from ingest.readers.html_text import escape_markup, rows_to_text
from ingest.readers.sniff import check_ooxml
from ingest.readers.text import file_path, title_from_name


def read_pptx(path: str, data: bytes) -> list[Document]:
    check_ooxml(data, "pptx")
    deck = Presentation(io.BytesIO(data))
    sections: list[str] = []
    first_title = ""
    for n, slide in enumerate(deck.slides, 1):
        title_shape = slide.shapes.title
        title = one_line(title_shape.text_frame.text) if title_shape is not None and title_shape.has_text_frame else ""
        first_title = first_title or title
        parts = [f"## Slide {n}: {title}" if title else f"## Slide {n}"]
        for shape in _shapes(slide.shapes):
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            if shape.has_text_frame:
                lines = [one_line(p.text) for p in shape.text_frame.paragraphs]
                parts.append(escape_markup("\n".join(line for line in lines if line)))
            elif shape.has_table:
                rows = [[one_line(c.text) for c in row.cells] for row in shape.table.rows]
                parts.append(rows_to_text(rows[1:], rows[0]) if len(rows) > 1 else rows_to_text(rows))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                parts.append(escape_markup(f"Notes: {notes}"))
        if len(parts) > 1 or title:
            sections.append(join_blocks(parts))
    return [document_of(path, deck.core_properties, first_title, join_blocks(sections), "pptx")]


class _CoreProperties(Protocol):  # python-docx's and python-pptx's alike
    title: str | None
    author: str | None
    modified: datetime | None


def document_of(path: str, props: _CoreProperties, first_heading: str, text: str, kind: str) -> Document:
    """A document titled from its properties, else its first heading, else its file name; its path
    is the file's own (folders and name)."""
    return Document(
        doc_id=path,
        title=(props.title or "").strip() or first_heading or title_from_name(path),
        text=text,
        path=file_path(path),
        modified=_iso(props.modified),
        author=(props.author or "").strip(),
        kind=kind,
    )


def _shapes(shapes) -> Iterator:  # noqa: ANN001 - python-pptx shape collections have no public type
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def join_blocks(blocks: list[str]) -> str:
    return "\n\n".join(b for b in blocks if b.strip())


def _iso(value: datetime | None) -> str:
    return value.isoformat() if isinstance(value, datetime) else ""
