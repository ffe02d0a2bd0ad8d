"""Reading a BEIR-format dataset's queries and relevance judgments (the corpus is read by the
"beir" export kind, ingest.readers.beir, so it is indexed like any other export).

    DATASET/corpus.jsonl      {"_id", "title", "text"} per line
    DATASET/queries.jsonl     {"_id", "text"} per line
    DATASET/qrels/SPLIT.tsv   query-id <TAB> corpus-id <TAB> score, with a header line
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ingest.readers.beir import CORPUS, QUERIES


class DatasetError(ValueError):
    """The dataset cannot be used as given; the message names the file (and line) and the problem."""


@dataclass(frozen=True)
class Judged:
    """The queries of one split that have judgments, and those judgments."""

    split: str
    queries: dict[str, str]  # query id -> text
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}


def splits(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "qrels").glob("*.tsv"))


def _queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                queries[str(obj["_id"])] = str(obj["text"])
            except (json.JSONDecodeError, KeyError, TypeError):
                raise DatasetError(f'{path.name}:{n}: expected a JSON object with "_id" and "text"') from None
    return queries


def _qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if not line.strip() or (n == 1 and parts[-1].strip().lower() == "score"):
                continue
            if len(parts) != 3:
                raise DatasetError(f"qrels/{path.name}:{n}: expected query-id, corpus-id and score, tab-separated")
            try:
                grade = int(float(parts[2]))
            except ValueError:
                raise DatasetError(f"qrels/{path.name}:{n}: score {parts[2]!r} is not a number") from None
            qrels.setdefault(parts[0].strip(), {})[parts[1].strip()] = grade
    return qrels


def load_judged(root: Path, split: str = "test") -> Judged:
    """The judged queries of `split`; queries without a relevant document are left out, as BEIR does."""
    root = Path(root)
    for name in (CORPUS, QUERIES):
        if not (root / name).is_file():
            raise DatasetError(f"{root}: no {name} (not a BEIR-format dataset)")
    qrels_file = root / "qrels" / f"{split}.tsv"
    if not qrels_file.is_file():
        known = ", ".join(splits(root)) or "none"
        raise DatasetError(f"{root}: no qrels/{split}.tsv (splits here: {known})")
    queries = _queries(root / QUERIES)
    qrels = {q: docs for q, docs in _qrels(qrels_file).items() if q in queries and any(g > 0 for g in docs.values())}
    if not qrels:
        raise DatasetError(f"{qrels_file}: no judged query found in {QUERIES}")
    return Judged(split, {q: queries[q] for q in qrels}, qrels)
