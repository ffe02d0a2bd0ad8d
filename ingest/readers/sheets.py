"""Spreadsheets (.xlsx, as Google Drive exports Sheets) and delimited text (.csv, .tsv).

Each row becomes one line "Header: value; Header: value" under the sheet's first non-empty row,
so a chunk never holds a value without its column name. Each worksheet is a `## Sheet` section.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import openpyxl

from ingest.documents import Document, ReaderError
from ingest.readers.html_text import rows_to_text
from ingest.readers.sniff import check_ooxml
from ingest.export import MAX_FILE_BYTES
from ingest.readers.encoding import decode_text
from ingest.readers.text import folder_path, title_from_name


def read_xlsx(path: str, data: bytes) -> list[Document]:
    check_ooxml(data, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sections = []
        for sheet in book.worksheets:
            body = table_text([[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)])
            if body:
                sections.append(f"## {sheet.title}\n\n{body}")
        props = book.properties
    finally:
        book.close()
    return [
        Document(
            doc_id=path,
            title=(props.title or "").strip() or title_from_name(path),
            text="\n\n".join(sections),
            path=folder_path(path),
            modified=props.modified.isoformat() if isinstance(props.modified, datetime) else "",
            author=(props.creator or "").strip(),
            kind="xlsx",
        )
    ]


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
        Document(doc_id=path, title=title_from_name(path), text=table_text(rows), path=folder_path(path), kind="csv")
    ]


def _sniff_sample(text: str) -> str:
    """The first lines, each cut short: one huge cell must not be all the sniffer sees."""
    return "\n".join(line[:1024] for line in text[:65536].splitlines()[:50])


def table_text(rows: list[list[str]]) -> str:
    """The first non-empty row is the header; empty rows and trailing empty columns are dropped."""
    rows = [r for r in rows if any(r)]
    if not rows:
        return ""
    width = max(max((i + 1 for i, v in enumerate(r) if v), default=0) for r in rows)
    rows = [r[:width] for r in rows]
    if len(rows) == 1:
        return rows_to_text(rows)
    return rows_to_text(rows[1:], rows[0])


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
