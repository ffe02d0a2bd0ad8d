"""BEIR-format retrieval datasets (kind "beir"): corpus.jsonl beside queries.jsonl and qrels/.

Each corpus line `{"_id": ..., "title": ..., "text": ...}` becomes one Document (doc_id = `_id`), so
a benchmark corpus goes through the same chunking, embedding and index as a team's pages. Only the
corpus is indexed; queries and judgments are read by ingest.evaluation.dataset. The corpus is streamed
line by line, and may be larger than the per-file limit of ordinary exports (BEIR corpora reach
hundreds of MB); a bad line is reported and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath

from ingest.documents import Document, Failure
from ingest.export import Export, ExportError

CORPUS = "corpus.jsonl"
QUERIES = "queries.jsonl"
MAX_CORPUS_BYTES = 4 << 30
BLOCK = 1 << 20


def corpus_path(names: set[str]) -> str | None:
    """The corpus.jsonl that has a queries.jsonl beside it (the shallowest one), if any."""
    found = [n for n in names if PurePosixPath(n).name == CORPUS
             and str(PurePosixPath(n).with_name(QUERIES)) in names]
    return min(found, key=lambda n: (n.count("/"), n)) if found else None


def detect(names: set[str]) -> bool:
    return corpus_path(names) is not None


def _lines(export: Export, path: str) -> Iterator[bytes]:
    with export.open(path, limit=MAX_CORPUS_BYTES) as fh:
        rest = b""
        while block := fh.read(BLOCK):
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            yield from lines
        if rest:
            yield rest


def parse_line(raw: bytes) -> tuple[str, str, str]:
    """(doc_id, title, text) of one corpus line; ValueError says what is wrong with it."""
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a JSON object ({exc})") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    doc_id = obj.get("_id")
    if not isinstance(doc_id, (str, int)) or str(doc_id) == "":
        raise ValueError('no "_id"')
    title, text = obj.get("title") or "", obj.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        raise ValueError('"title" and "text" must be strings')
    if not (title.strip() or text.strip()):
        raise ValueError("no title and no text")
    return str(doc_id), " ".join(title.split()), text.strip()


def read_export(export: Export) -> Iterator[Document | Failure]:
    path = corpus_path({f.path for f in export.files()})
    if path is None:
        raise ExportError(f"not a BEIR dataset: no {CORPUS} beside a {QUERIES}")
    for n, raw in enumerate(_lines(export, path), 1):
        if not raw.strip():
            continue
        try:
            doc_id, title, text = parse_line(raw)
        except ValueError as exc:
            yield Failure(f"{path}:{n}", str(exc))
            continue
        # The title is not repeated in the text: the chunker puts it before every chunk it embeds.
        yield Document(doc_id=doc_id, title=title, text=text or title, kind="beir", file=path)
