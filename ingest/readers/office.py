"""Word (.docx) and PowerPoint (.pptx) files, as Google Drive exports Docs and Slides.

docx: headings by paragraph style become `#` headings, list paragraphs bullets, tables one line per
row under the first row's headers. pptx: one `## Slide N: title` section per slide with its text,
tables and speaker notes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ingest.documents import Document
from ingest.readers.html_text import escape_markup, rows_to_text
from ingest.readers.sniff import check_ooxml
from ingest.readers.text import file_path, title_from_name

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def read_docx(path: str, data: bytes) -> list[Document]:
    check_ooxml(data, "docx")
    document = docx.Document(io.BytesIO(data))
    blocks: list[str] = []
    first_heading = ""
    item_before = False
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks.append(_docx_table(block))
            item_before = False
            continue
        text, level, item = _paragraph(block)
        if not text:
            continue
        if level:
            first_heading = first_heading or text
            text = f"{'#' * level} {text}"
        if item and item_before:  # consecutive list items stay one block
            blocks[-1] += "\n" + text
        else:
            blocks.append(text)
        item_before = item
    return [_document(path, document.core_properties, first_heading, _join(blocks), "docx")]


def read_pptx(path: str, data: bytes) -> list[Document]:
    check_ooxml(data, "pptx")
    deck = Presentation(io.BytesIO(data))
    sections: list[str] = []
    first_title = ""
    for n, slide in enumerate(deck.slides, 1):
        title_shape = slide.shapes.title
        title = _one_line(title_shape.text_frame.text) if title_shape is not None and title_shape.has_text_frame else ""
        first_title = first_title or title
        parts = [f"## Slide {n}: {title}" if title else f"## Slide {n}"]
        for shape in _shapes(slide.shapes):
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            if shape.has_text_frame:
                lines = [_one_line(p.text) for p in shape.text_frame.paragraphs]
                parts.append(escape_markup("\n".join(line for line in lines if line)))
            elif shape.has_table:
                rows = [[_one_line(c.text) for c in row.cells] for row in shape.table.rows]
                parts.append(rows_to_text(rows[1:], rows[0]) if len(rows) > 1 else rows_to_text(rows))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                parts.append(escape_markup(f"Notes: {notes}"))
        if len(parts) > 1 or title:
            sections.append(_join(parts))
    return [_document(path, deck.core_properties, first_title, _join(sections), "pptx")]


class _CoreProperties(Protocol):  # python-docx's and python-pptx's alike
    title: str | None
    author: str | None
    modified: datetime | None


def _document(path: str, props: _CoreProperties, first_heading: str, text: str, kind: str) -> Document:
    """A document titled from its properties, else its first heading, else its file name."""
    return Document(
        doc_id=path,
        title=(props.title or "").strip() or first_heading or title_from_name(path),
        text=text,
        path=file_path(path),
        modified=_iso(props.modified),
        author=(props.author or "").strip(),
        kind=kind,
    )


def _paragraph(p: Paragraph) -> tuple[str, int, bool]:
    """(text, heading level or 0, is a list item); items come back as "- item", indented by level."""
    text = _one_line(p.text)
    if not text:
        return "", 0, False
    style = (p.style.name if p.style is not None else "") or ""
    if style.lower() == "title":
        return text, 1, False
    if m := _HEADING_STYLE.match(style):
        return text, int(m.group(1)), False
    num = p._p.pPr.numPr if p._p.pPr is not None else None
    if num is not None or style.lower().startswith("list"):
        level = num.ilvl.val if num is not None and num.ilvl is not None else 0
        return f"{'  ' * level}- {text}", 0, True
    return escape_markup(text), 0, False


def _docx_table(table: Table) -> str:
    rows: list[list[str]] = []
    for row in table.rows:
        values: list[str] = []
        previous = None
        for cell in row.cells:
            # A horizontally merged cell comes back once per grid column: keep its text once.
            values.append("" if cell._tc is previous else _one_line(cell.text))
            previous = cell._tc
        rows.append(values)
    rows = [r for r in rows if any(r)]
    if len(rows) > 1:
        return rows_to_text(rows[1:], rows[0])
    return rows_to_text(rows)


def _shapes(shapes) -> Iterator:  # noqa: ANN001 - python-pptx shape collections have no public type
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _join(blocks: list[str]) -> str:
    return "\n\n".join(b for b in blocks if b.strip())


def _iso(value: datetime | None) -> str:
    return value.isoformat() if isinstance(value, datetime) else ""
