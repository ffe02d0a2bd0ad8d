"""Spreadsheets (.xlsx, as Google Drive exports Sheets) and delimited text (.csv, .tsv).

Each row becomes one line "Header: value; Header: value" under the sheet's first non-empty row,
so a chunk never holds a value without its column name. Each worksheet is a `## Sheet` section.
xlsx: formulas give the values Excel last calculated; a merged cell's value is carried by every row
it spans (as the HTML reader does for rowspan); hidden sheets are skipped and reported. A row of
more than WIDE_ROW values (a very wide sheet) is cut into several lines, each led by the row's
first value, so no line outgrows a chunk and every piece still says whose row it is.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import openpyxl

from ingest.documents import Document, Failure, ReaderError
from ingest.export import MAX_FILE_BYTES
from ingest.readers.encoding import decode_text
from ingest.readers.html_text import rows_to_text
from ingest.readers.sniff import check_ooxml
from ingest.readers.text import file_path, title_from_name

WIDE_ROW = 20  # values per line before a row is continued on the next


def read_xlsx(path: str, data: bytes) -> list[Document | Failure]:
    """One document, a `## Sheet` section per visible sheet, and a Failure per hidden sheet skipped.
    Raises ReaderError when the file is not an xlsx package."""
    check_ooxml(data, "xlsx")
    # Not read-only: merged ranges are only known to a fully loaded sheet. data_only: the cached
    # results of formulas, not their source.
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    sections = []
    skipped: list[Document | Failure] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            skipped.append(Failure(path, f"sheet {sheet.title!r} is {sheet.sheet_state}: skipped"))
            continue
        body = table_text(_sheet_rows(sheet))
        if body:
            sections.append(f"## {sheet.title}\n\n{body}")
    props = book.properties
    book.close()
    return [
        Document(
            doc_id=path,
            title=(props.title or "").strip() or title_from_name(path),
            text="\n\n".join(sections),
            path=file_path(path),
            modified=props.modified.isoformat() if isinstance(props.modified, datetime) else "",
            author=(props.creator or "").strip(),
            kind="xlsx",
        ),
        *skipped,
    ]


def _sheet_rows(sheet) -> list[list[str]]:  # noqa: ANN001 - an openpyxl Worksheet
    """The sheet's values as text, each merged range's value in every row it spans (in its first
    column: a value merged across columns is one value, not one per column)."""
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        top = merged.min_row - 1
        col = merged.min_col - 1
        if top >= len(rows) or col >= len(rows[top]):
            continue
        value = rows[top][col]
        for r in range(top + 1, min(merged.max_row, len(rows))):
            rows[r][col] = value
    return rows


def read_csv(path: str, data: bytes) -> list[Document]:
    """Rows of a delimited text file (any encoding; the delimiter sniffed, "," when unclear) under
    its first row. Raises ReaderError for binary content or a malformed file."""
    text = decode_text(data)
    if path.lower().endswith(".tsv"):
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel_tab
    else:
        try:
            dialect = csv.Sniffer().sniff(_sniff_sample(text), delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
    # A cell may be as long as the file (a pasted log): Python's default limit (128 KiB) would
    # fail the whole file. The export already caps a file at MAX_FILE_BYTES.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    try:
        rows = [[" ".join(v.split()) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ReaderError(f"malformed CSV ({exc})") from None
    return [
        Document(doc_id=path, title=title_from_name(path), text=table_text(rows), path=file_path(path), kind="csv")
    ]


def _sniff_sample(text: str) -> str:
    """The first lines, each cut short: one huge cell must not be all the sniffer sees."""
    return "\n".join(line[:1024] for line in text[:65536].splitlines()[:50])


def table_text(rows: list[list[str]]) -> str:
    """The first non-empty row is the header; empty rows and trailing empty columns are dropped.
    A row of more than WIDE_ROW values goes on over several lines, each led by its first value."""
    rows = [r for r in rows if any(r)]
    if not rows:
        return ""
    width = max(max((i + 1 for i, v in enumerate(r) if v), default=0) for r in rows)
    rows = [r[:width] for r in rows]
    if len(rows) == 1:
        return rows_to_text(rows)
    header, lines = rows[0], []
    for row in rows[1:]:
        filled = [c for c in range(1, len(row)) if row[c]]
        for start in range(0, max(len(filled), 1), WIDE_ROW):
            keep = [0, *filled[start: start + WIDE_ROW]]
            lines.append([row[c] if c in keep else "" for c in range(len(row))])
    return rows_to_text(lines, header)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return " ".join(str(value).split())
