"""Word (.docx) files, as Word and Google Drive write them, read from the document's XML in order.

python-docx's paragraphs and tables miss much of what people put in Word: tables inside table cells,
content controls (w:sdt) around paragraphs, rows or cells, text boxes, tracked insertions (w:ins),
headers, footers and footnotes. So the body is walked element by element: headings by paragraph
style become `#` headings, list paragraphs bullets, tables one line per row under the first row's
headers (a table inside a cell reads inline in that cell, in brackets), text boxes follow the
paragraph that anchors them. Tracked deletions (w:del, w:moveFrom) are not read. Header and footer
text comes first, footnotes and endnotes last under `# Notes`. An element no rule covers is logged
once per document (debug), so a gap shows.
"""

from __future__ import annotations

import io
import logging
import re

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from ingest.documents import Document
from ingest.readers.html_text import escape_markup, rows_to_text
from ingest.readers.office import document_of, join_blocks, one_line
from ingest.readers.sniff import check_ooxml

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MATH_TEXT = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
# Wrappers whose children are blocks (or runs) like their parent's.
_WRAPPERS = {qn(t) for t in ("w:sdtContent", "w:customXml", "w:ins", "w:moveTo", "w:smartTag", "w:fldSimple")}
_DELETED = {qn("w:del"), qn("w:moveFrom")}  # tracked deletions: not the document's text any more
# No text of their own, or read elsewhere (properties, marks, field codes, a text box's content).
_SILENT = {qn(t) for t in (
    "w:sectPr", "w:pPr", "w:rPr", "w:tblPr", "w:tblGrid", "w:trPr", "w:tcPr", "w:sdtPr", "w:sdtEndPr",
    "w:bookmarkStart", "w:bookmarkEnd", "w:proofErr", "w:permStart", "w:permEnd", "w:commentRangeStart",
    "w:commentRangeEnd", "w:commentReference", "w:instrText", "w:fldChar", "w:fldData", "w:lastRenderedPageBreak",
    "w:txbxContent", "w:annotationRef", "w:footnoteRef", "w:endnoteRef", "w:separator", "w:continuationSeparator",
    "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd", "w:tblPrEx",
)} | {f"{_MC}Fallback"}  # the same content as mc:Choice, for older readers
_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def read_docx(path: str, data: bytes) -> list[Document]:
    """One document with the whole file's text. Raises ReaderError when the file is not a docx."""
    check_ooxml(data, "docx")
    document = docx.Document(io.BytesIO(data))
    walker = _Walker({s.style_id: s.name or "" for s in document.styles})
    body = walker.blocks(document.element.body)
    furniture, notes = [], []
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER, RT.FOOTNOTES, RT.ENDNOTES):
            continue
        root = parse_xml(rel.target_part.blob)
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            furniture += [b for b in walker.blocks(root) if b not in furniture]
        else:  # w:footnotes / w:endnotes: one container per note
            for note in root:
                if note.get(qn("w:type")) not in _NOTE_TYPES and (text := " ".join(walker.blocks(note))):
                    notes.append(f"[{note.get(qn('w:id'))}] {text}")
    if walker.unhandled:
        log.debug("%s: elements not read: %s", path, ", ".join(sorted(walker.unhandled)))
    text = join_blocks([*furniture, *body, *(["# Notes", "\n".join(notes)] if notes else [])])
    return [document_of(path, document.core_properties, walker.first_heading, text, "docx")]


class _Walker:
    """Turns WordprocessingML containers (body, cell, text box, header, note) into text blocks."""

    def __init__(self, styles: dict[str, str]):
        self.styles = styles
        self.first_heading = ""
        self.unhandled: set[str] = set()

    def blocks(self, container) -> list[str]:  # noqa: ANN001 - an lxml element
        """Markdown blocks, consecutive list items joined into one block."""
        out: list[str] = []
        item_before = False
        for kind, text in self._items(container):
            if kind == "item" and item_before:
                out[-1] += "\n" + text
            else:
                out.append(text)
            item_before = kind == "item"
        return out

    def _items(self, container):  # noqa: ANN001, ANN202 - lxml element in, (kind, text) pairs out
        for el in container:
            tag = el.tag
            if tag == qn("w:p"):
                yield from self._paragraph(el)
            elif tag == qn("w:tbl"):
                if text := self._table(el):
                    yield "table", text
            elif tag in (qn("w:sdt"), f"{_MC}AlternateContent"):
                # A content control's blocks are in its w:sdtContent; mc:Choice holds the
                # modern version of alternate content.
                inner = el.find(qn("w:sdtContent") if tag == qn("w:sdt") else f"{_MC}Choice")
                yield from self._items(inner if inner is not None else [])
            elif tag in _WRAPPERS:
                yield from self._items(el)
            elif tag not in _SILENT and tag not in _DELETED and isinstance(tag, str):
                self.unhandled.add(_name(tag))

    def _paragraph(self, p):  # noqa: ANN001, ANN202
        text = one_line(self._inline(p))
        if text:
            style_id = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style = self.styles.get(style_id.get(qn("w:val")) if style_id is not None else "", "")
            heading = _HEADING_STYLE.match(style)
            level = 1 if style.lower() == "title" else int(heading.group(1)) if heading else 0
            num = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if level:
                self.first_heading = self.first_heading or text
                yield "heading", f"{'#' * level} {text}"
            elif num is not None or style.lower().startswith("list"):
                ilvl = num.find(qn("w:ilvl")) if num is not None else None
                depth = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
                yield "item", f"{'  ' * depth}- {text}"
            else:
                yield "paragraph", escape_markup(text)
        for box in _text_boxes(p):  # after the paragraph that anchors them
            for block in self.blocks(box):
                yield "paragraph", block

    def _inline(self, el) -> str:  # noqa: ANN001
        parts: list[str] = []
        for child in el:
            tag = child.tag
            if tag == qn("w:t") or tag == _MATH_TEXT:
                parts.append(child.text or "")
            elif tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                parts.append(" ")
            elif tag == qn("w:noBreakHyphen"):
                parts.append("-")
            elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
                parts.append(f"[{child.get(qn('w:id'))}]")
            elif tag in _DELETED or tag in _SILENT or not isinstance(tag, str):
                continue
            else:  # runs, hyperlinks, inline content controls, insertions, fields, drawings
                parts.append(self._inline(child))
        return "".join(parts)

    def _table(self, tbl, nested: bool = False) -> str:  # noqa: ANN001
        """Top level: one line per row under the first row. Inside a cell: "(a: b / c: d)"."""
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column -> text of the cell above, for vertical merges
        for tr in _children(tbl, qn("w:tr")):
            if tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None:
                continue  # a row deleted with tracked changes
            before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
            values = [""] * (int(before.get(qn("w:val"), "0")) if before is not None else 0)
            for tc in _children(tr, qn("w:tc")):
                props = tc.find(qn("w:tcPr"))
                span = props.find(qn("w:gridSpan")) if props is not None else None
                merge = props.find(qn("w:vMerge")) if props is not None else None
                col = len(values)
                if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                    text = above.get(col, "")  # a vertically merged cell: its value in every row
                else:
                    text = self._cell(tc)
                above[col] = text
                # A cell merged across columns keeps its text once.
                values += [text] + [""] * (int(span.get(qn("w:val"), "1")) - 1 if span is not None else 0)
            if any(values):
                rows.append(values)
        if nested:
            return "(" + " / ".join((": " if len(r) == 2 else " | ").join(v for v in r if v) for r in rows) + ")"
        return rows_to_text(rows[1:], rows[0]) if len(rows) > 1 else rows_to_text(rows)

    def _cell(self, tc) -> str:  # noqa: ANN001
        parts = []
        for el in _children(tc, qn("w:p"), qn("w:tbl")):
            if el.tag == qn("w:tbl"):
                parts.append(self._table(el, nested=True))
            else:
                parts.append(one_line(self._inline(el)))
                parts += [one_line(" ".join(self.blocks(box))) for box in _text_boxes(el)]
        return one_line(" ".join(p for p in parts if p and p != "()"))


def _children(el, *tags: str):  # noqa: ANN001, ANN202
    """Children of the given tags, looking through content controls and other wrappers (a row or
    a cell may sit in a w:sdt), never into tracked deletions."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _children(content, *tags)
        elif child.tag in _WRAPPERS:
            yield from _children(child, *tags)


def _text_boxes(p):  # noqa: ANN001, ANN202
    """The text boxes anchored in a paragraph (DrawingML's, or VML's when there is no DrawingML
    version), not those inside another text box (that box's own walk reads them)."""
    stack = list(p)
    while stack:
        el = stack.pop(0)
        if el.tag == qn("w:txbxContent"):
            yield el
        elif el.tag != f"{_MC}Fallback" and el.tag not in _DELETED:
            stack[:0] = list(el)


def _name(tag: str) -> str:
    uri, _, local = tag[1:].partition("}")
    prefix = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w"}.get(uri, uri)
    return f"{prefix}:{local}"
