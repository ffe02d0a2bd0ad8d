"""Each evaluation set's candidate lists, side by side, for fitting and comparing fusions offline.

For every judged question of every set in bench.datasets, the vector and BM25 candidates the
Retriever finds (each document at its best chunk, with its raw score: cosine similarity, BM25STD),
and the question's relevance judgments. Written to LOREBOT_DATA_DIR/fusion-candidates.json; the
corpora are indexed through `lorebot eval`'s own path (a rerun re-embeds nothing).

    python -m bench.fusion_candidates [--sets scifact,arcd]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from adapters.settings import load_settings
from bench.datasets import EVAL_SETS, EvalSet
from bench.short_queries import title_queries
from bot.core import Lorebot
from ingest.evaluation.dataset import Judged, load_judged
from ingest.evaluation.runner import eval_settings, index_corpus, source_name, written_retriever

CONCURRENCY = 8


def judged_of(spec: EvalSet) -> Judged:
    if spec.titles:
        return title_queries(spec.path, 300, misspelt=spec.titles == "title-misspelt")
    return load_judged(spec.path, spec.split)


def per_doc(hits: list[dict]) -> list[list]:
    """[[doc_id, score], ...] best first, each document once (at its best chunk)."""
    best: dict[str, float] = {}
    for hit in hits:
        best.setdefault(hit["doc_id"], float(hit["score"]))
    return [[doc, score] for doc, score in best.items()]


async def collect(settings, spec: EvalSet) -> dict:
    judged = judged_of(spec)
    bot = await Lorebot.open(eval_settings(settings))
    try:
        await index_corpus(bot, spec.path)
        source = source_name(spec.path)
        gate = asyncio.Semaphore(CONCURRENCY)
        retriever = written_retriever(bot)

        async def one(qid: str) -> tuple[str, dict]:
            async with gate:
                found = await retriever.candidates(judged.queries[qid], [source])
            return qid, {"text": judged.queries[qid], "qrels": judged.qrels[qid],
                         "vector": per_doc(found["vector"]), "bm25": per_doc(found["bm25"])}

        return dict(await asyncio.gather(*(one(q) for q in judged.queries)))
    finally:
        await bot.close()


def output_path() -> Path:
    return Path(os.environ.get("LOREBOT_DATA_DIR", ".lorebot-bench")) / "fusion-candidates.json"


async def run(names: list[str] | None) -> Path:
    settings = load_settings(_env_file=None, LOREBOT_DATA_DIR=os.environ.get("LOREBOT_DATA_DIR", ".lorebot-bench"))
    path = output_path()
    data = json.loads(path.read_text()) if path.exists() else {}
    for spec in EVAL_SETS:
        if (names and spec.name not in names) or not spec.present:
            continue
        data[spec.name] = await collect(settings, spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
        print(f"{spec.name}: {len(data[spec.name])} questions")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="", help="comma-separated names from bench.datasets (default: all)")
    args = parser.parse_args()
    print("written to", asyncio.run(run([n for n in args.sets.split(",") if n] or None)))


if __name__ == "__main__":
    main()
