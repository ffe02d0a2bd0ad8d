"""Readers: one per export kind, each turning an Export into Documents and Failures.

The "files" kind reads each file by its extension (FILE_READERS); richer kinds (Confluence HTML and
XML space exports, Google Drive) are registered in EXPORT_READERS with a detector, at the end of
this module because they use the helpers above. Readers of exports of a server's pages (LINKED_KINDS)
also take the source's `page_url_base` and link each document to its live page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from ingest.documents import Document, Failure, ReaderError
from ingest.export import Export, ExportError
from ingest.readers import docx_reader, gdocs_html, office, pdf, sheets, text

# A reader returns the file's documents, and a Failure for each part it skipped while reading the rest
# (a hidden sheet, a scanned page): reported, never dropped silently.
FileReader = Callable[[str, bytes], list[Document | Failure]]
ExportReader = Callable[..., Iterator[Document | Failure]]  # reader(export), + page_url_base= if linked
Detector = Callable[[set[str]], bool]

FILE_READERS: dict[str, FileReader] = {
    ".md": text.read_markdown,
    ".markdown": text.read_markdown,
    ".txt": text.read_text,
    ".html": gdocs_html.read_html,  # Google Docs exports recognised, other HTML read as is
    ".htm": gdocs_html.read_html,
    ".docx": docx_reader.read_docx,
    ".pptx": office.read_pptx,
    ".xlsx": sheets.read_xlsx,
    ".csv": sheets.read_csv,
    ".tsv": sheets.read_csv,
    ".pdf": pdf.read_pdf,
}

# kind -> (detector over the export's file names, reader); checked in order, "files" last.
EXPORT_READERS: dict[str, tuple[Detector, ExportReader]] = {}
LINKED_KINDS: set[str] = set()


def register_kind(kind: str, detector: Detector, reader: ExportReader, linked: bool = False) -> None:
    EXPORT_READERS[kind] = (detector, reader)
    if linked:
        LINKED_KINDS.add(kind)


def kinds() -> list[str]:
    return [*EXPORT_READERS, "files"]


def detect_kind(export: Export) -> str:
    # Files with problems count too: an oversize entities.xml still makes a Confluence XML export.
    names = {f.path for f in export.files()}
    for kind, (detector, _) in EXPORT_READERS.items():
        if detector(names):
            return kind
    return "files"


def read_export(export: Export, kind: str | None = None, page_url_base: str = "") -> Iterator[Document | Failure]:
    """The export's documents and failures; `page_url_base` (the server's address) links the pages
    of linked kinds, and is ignored by the others (their files have no live page)."""
    kind = kind or detect_kind(export)
    if kind == "files":
        yield from read_files(export)
        return
    if kind not in EXPORT_READERS:
        raise ExportError(f"unknown export kind {kind!r}; known: {', '.join(kinds())}")
    reader = EXPORT_READERS[kind][1]
    yield from reader(export, page_url_base=page_url_base) if kind in LINKED_KINDS else reader(export)


def read_one(export: Export, path: str, reader: FileReader,
             occurrence: int = 1) -> list[Document | Failure] | Failure:
    """Read one file with `reader`; any problem becomes a Failure naming the file. A repeated zip
    entry (`occurrence` 2, 3, ...) is named "path#2": its documents' doc_ids get that suffix too.
    A success is the documents with text, then a Failure (named for the file) per part skipped."""
    suffix = "" if occurrence == 1 else f"#{occurrence}"
    key = path + suffix
    try:
        data = export.read(path, occurrence)
    except (ExportError, OSError) as exc:
        return Failure(key, str(exc))
    if not data:
        return Failure(key, "empty file (0 bytes)")
    try:
        items = reader(path, data)
    except ReaderError as exc:
        return Failure(key, str(exc))
    except Exception as exc:  # a parser library choking on malformed input: report, go on
        return Failure(key, f"cannot parse ({type(exc).__name__}: {exc})")
    docs = [dataclasses.replace(d, doc_id=d.doc_id + suffix, file=d.file or key)
            for d in items if isinstance(d, Document)]
    skipped = [Failure(key, f.reason) for f in items if isinstance(f, Failure)]
    if not any(d.text.strip() for d in docs):
        reasons = "; ".join(f.reason for f in skipped)
        return Failure(key, "no text content (empty page)" + (f": {reasons}" if reasons else ""))
    return [*(d for d in docs if d.text.strip()), *skipped]


def read_files(export: Export) -> Iterator[Document | Failure]:
    for f in export.files():
        if f.problem:
            yield Failure(f.key, f.problem)
            continue
        reader = FILE_READERS.get(PurePosixPath(f.path).suffix.lower())
        if reader is None:
            continue  # not a format we index (images, styles): not an error
        result = read_one(export, f.path, reader, f.occurrence)
        if isinstance(result, Failure):
            yield result
        else:
            yield from result


# Imported here, not at the top: these modules use FILE_READERS and read_one defined above.
from ingest.readers import beir, confluence_html, confluence_xml, gdrive  # noqa: E402

# Order matters: a Confluence export with .docx attachments must not be taken for a Drive export.
register_kind("confluence-xml", confluence_xml.detect, confluence_xml.read_export, linked=True)
register_kind("confluence-html", confluence_html.detect, confluence_html.read_export, linked=True)
register_kind("gdrive", gdrive.detect, gdrive.read_export)
register_kind("beir", beir.detect, beir.read_export)  # benchmark corpora (lorebot eval)
