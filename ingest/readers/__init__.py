"""Readers: one per export kind, each turning an Export into Documents and Failures.

The "files" kind reads each file by its extension (FILE_READERS); richer kinds (Confluence HTML and
XML space exports, Google Drive) register themselves in EXPORT_READERS with a detector.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from ingest.documents import Document, Failure, ReaderError
from ingest.export import Export, ExportError
from ingest.readers import text

FileReader = Callable[[str, bytes], list[Document]]
ExportReader = Callable[[Export], Iterator[Document | Failure]]
Detector = Callable[[set[str]], bool]

FILE_READERS: dict[str, FileReader] = {
    ".md": text.read_markdown,
    ".markdown": text.read_markdown,
    ".txt": text.read_text,
    ".html": text.read_html,
    ".htm": text.read_html,
}

# kind -> (detector over the export's file names, reader); checked in order, "files" last.
EXPORT_READERS: dict[str, tuple[Detector, ExportReader]] = {}


def register_kind(kind: str, detector: Detector, reader: ExportReader) -> None:
    EXPORT_READERS[kind] = (detector, reader)


def kinds() -> list[str]:
    return [*EXPORT_READERS, "files"]


def detect_kind(export: Export) -> str:
    names = export.names()
    for kind, (detector, _) in EXPORT_READERS.items():
        if detector(names):
            return kind
    return "files"


def read_export(export: Export, kind: str | None = None) -> Iterator[Document | Failure]:
    kind = kind or detect_kind(export)
    if kind == "files":
        yield from read_files(export)
        return
    if kind not in EXPORT_READERS:
        raise ExportError(f"unknown export kind {kind!r}; known: {', '.join(kinds())}")
    yield from EXPORT_READERS[kind][1](export)


def read_one(export: Export, path: str, reader: FileReader) -> list[Document] | Failure:
    """Read one file with `reader`; any problem becomes a Failure naming the file."""
    try:
        data = export.read(path)
    except (ExportError, OSError) as exc:
        return Failure(path, str(exc))
    if not data:
        return Failure(path, "empty file (0 bytes)")
    try:
        docs = reader(path, data)
    except ReaderError as exc:
        return Failure(path, str(exc))
    except Exception as exc:  # a parser library choking on malformed input: report, go on
        return Failure(path, f"cannot parse ({type(exc).__name__}: {exc})")
    docs = [d if d.file else dataclasses.replace(d, file=path) for d in docs]
    if not any(d.text.strip() for d in docs):
        return Failure(path, "no text content (empty page)")
    return [d for d in docs if d.text.strip()]


def read_files(export: Export) -> Iterator[Document | Failure]:
    for f in export.files():
        if f.problem:
            yield Failure(f.path, f.problem)
            continue
        reader = FILE_READERS.get(PurePosixPath(f.path).suffix.lower())
        if reader is None:
            continue  # not a format we index (images, styles): not an error
        result = read_one(export, f.path, reader)
        if isinstance(result, Failure):
            yield result
        else:
            yield from result
