"""PowerPoint (.pptx) files, as Google Drive exports Slides, and the Document building that Word
files (ingest.readers.docx_reader) share.

pptx: one `## Slide N: title` section per slide with the text of every shape (inside groups, nested
or not), tables one line per row under their first row, and the speaker notes.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.shapes.picture import Picture

from ingest.documents import Document
from ingest.readers.html_text import escape_markup, rows_to_text
from ingest.readers.sniff import check_ooxml
from ingest.readers.text import file_path, title_from_name

log = logging.getLogger(__name__)
# Shapes that hold no text of their own: nothing to report when they are passed over.
_NO_TEXT = {MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.LINE, MSO_SHAPE_TYPE.MEDIA, MSO_SHAPE_TYPE.LINKED_PICTURE}


def read_pptx(path: str, data: bytes) -> list[Document]:
    """One document, a `## Slide N` section per slide. Raises ReaderError when not a pptx."""
    check_ooxml(data, "pptx")
    unhandled: set[str] = set()
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
                rows = _table_rows(shape.table)
                parts.append(rows_to_text(rows[1:], rows[0]) if len(rows) > 1 else rows_to_text(rows))
            elif shape.shape_type not in _NO_TEXT and not isinstance(shape, Picture):
                unhandled.add(_shape_kind(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                parts.append(escape_markup(f"Notes: {notes}"))
        if len(parts) > 1 or title:
            sections.append(join_blocks(parts))
    if unhandled:
        log.debug("%s: shapes not read: %s", path, ", ".join(sorted(unhandled)))
    return [document_of(path, deck.core_properties, first_title, join_blocks(sections), "pptx")]


def _table_rows(table) -> list[list[str]]:  # noqa: ANN001 - a python-pptx Table
    """Cell texts; a cell merged down carries its text into every row it spans, a cell merged
    across keeps it once."""
    rows = [[one_line(c.text) if not c.is_spanned else "" for c in row.cells] for row in table.rows]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if cell.is_merge_origin:
                for below in range(r + 1, min(r + cell.span_height, len(rows))):
                    rows[below][c] = rows[r][c]
    return [row for row in rows if any(row)]


def _shape_kind(shape) -> str:  # noqa: ANN001
    if getattr(shape, "has_chart", False) and shape.has_chart:
        return "chart"
    uri = shape._element.xpath("string(.//a:graphicData/@uri)") if shape.shape_type is not None else ""
    return "SmartArt" if uri.endswith("/diagram") else str(shape.shape_type or type(shape).__name__)


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
