"""Reading a BEIR-format dataset's queries and relevance judgments (the corpus is read by the
"beir" export kind, ingest.readers.beir, so it is indexed like any other export).

    DATASET/corpus.jsonl      {"_id", "title", "text"} per line
    DATASET/queries.jsonl     {"_id", "text"} per line
    DATASET/qrels/SPLIT.tsv   query-id <TAB> corpus-id <TAB> score, with a header line or without

Bad data is never passed over silently; it is counted in `Judged.bad_data`, which `lorebot eval` reports. A
corpus line that is not a document (as ingest reads it, ingest.readers.beir) is skipped, and so is a judgment
of a query not in queries.jsonl (it cannot be asked). A judgment of a document not in the corpus is kept: no
search can find it, so it counts as a miss, as BEIR (pytrec_eval) and trec_eval count it; leaving it out
would raise the figures of a corpus that lost documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ingest.documents import Failure
from ingest.export import Export
from ingest.readers.beir import CORPUS, QUERIES, read_export

EXAMPLES = 3  # ids or lines of each kind of skipped data named in the report


class DatasetError(ValueError):
    """The dataset cannot be used as given; the message names the file (and line) and the problem."""


@dataclass(frozen=True)
class BadData:
    """What in a dataset is wrong: corpus lines that are not documents (skipped), judgments (qrels lines)
    of unknown documents (kept: misses) and of unknown queries (skipped); the first few of each named."""

    corpus_lines: tuple[Failure, ...] = ()
    qrels_unknown_docs: int = 0
    qrels_unknown_queries: int = 0
    unknown_docs: tuple[str, ...] = ()  # the first EXAMPLES ids
    unknown_queries: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, int]:
        """The counts, as `lorebot eval --json` prints them under "bad_data"."""
        return {"corpus_lines": len(self.corpus_lines), "qrels_unknown_docs": self.qrels_unknown_docs,
                "qrels_unknown_queries": self.qrels_unknown_queries}

    def lines(self) -> list[str]:
        """One line for each kind of data skipped (none when nothing was)."""
        def some(items: tuple[str, ...], total: int) -> str:
            return ", ".join(items) + (", ..." if total > len(items) else "")

        out = []
        if self.corpus_lines:
            named = "; ".join(f"{f.file}: {f.reason}" for f in self.corpus_lines[:EXAMPLES])
            out.append(f"{len(self.corpus_lines)} corpus lines that are not documents, skipped ({named}"
                       f"{'; ...' if len(self.corpus_lines) > EXAMPLES else ''})")
        if self.qrels_unknown_docs:
            out.append(f"{self.qrels_unknown_docs} judgments of documents not in {CORPUS}, counted as misses "
                       f"({some(self.unknown_docs, self.qrels_unknown_docs)})")
        if self.qrels_unknown_queries:
            out.append(f"{self.qrels_unknown_queries} judgments of queries not in {QUERIES}, skipped "
                       f"({some(self.unknown_queries, self.qrels_unknown_queries)})")
        return out


@dataclass(frozen=True)
class Judged:
    """The queries of one split that have judgments, those judgments, and what is wrong in the dataset."""

    split: str
    queries: dict[str, str]  # query id -> text
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}
    bad_data: BadData = field(default_factory=BadData)


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
            if not line.strip():
                continue
            if len(parts) != 3:
                raise DatasetError(f"qrels/{path.name}:{n}: expected query-id, corpus-id and score, tab-separated")
            try:
                grade = int(float(parts[2]))
            except ValueError:
                if n == 1:  # a header, whatever its names ("score", "relevance"); a first judgment is data
                    continue
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
    qrels = _qrels(qrels_file)
    no_query = sorted(q for q in qrels if q not in queries)
    judged_docs = [d for q, docs in qrels.items() if q in queries for d in docs]  # one per judgment
    found, failures = _corpus_ids(root, set(judged_docs))
    missing = [d for d in judged_docs if d not in found]
    no_doc = sorted(set(missing))
    bad = BadData(
        corpus_lines=tuple(failures),
        qrels_unknown_docs=len(missing),
        qrels_unknown_queries=sum(len(qrels[q]) for q in no_query),
        unknown_docs=tuple(no_doc[:EXAMPLES]), unknown_queries=tuple(no_query[:EXAMPLES]))
    known = {q: docs for q, docs in qrels.items() if q in queries and any(g > 0 for g in docs.values())}
    if not known:
        why = "; ".join(bad.lines())
        raise DatasetError(f"{qrels_file}: no judged query found in {QUERIES}" + (f" ({why})" if why else ""))
    return Judged(split, {q: queries[q] for q in known}, known, bad)


def _corpus_ids(root: Path, wanted: set[str]) -> tuple[set[str], list[Failure]]:
    """Which of the `wanted` document ids the corpus holds, and its lines that are not documents, read
    as ingest reads them (only the wanted ids are kept: a corpus may hold millions)."""
    found: set[str] = set()
    failures: list[Failure] = []
    with Export(root) as export:
        for item in read_export(export):
            if isinstance(item, Failure):
                failures.append(item)
            elif item.doc_id in wanted:
                found.add(item.doc_id)
    return found, failures
