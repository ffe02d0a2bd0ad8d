"""Running an evaluation: index a BEIR corpus through Lorebot's own ingest, ask every judged query
through its own Retriever in each mode, aggregate chunk hits to documents, and score.

The corpus lives under its own key prefix (LOREBOT_KEY_PREFIX + "-eval"), so a benchmark never
shows up among the bot's sources; a rerun syncs by content hash and re-embeds nothing, and texts
seen before come from the embeddings cache.

Each mode is run twice: once exactly as the bot is configured (nDCG@10), and once with candidate
lists deep enough to hold 100 documents (recall@100).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bot.core import Lorebot
from bot.retrieval.embedder import Embedder
from bot.retrieval.retriever import MODES, Retriever
from ingest.context import indexer_for
from ingest.evaluation.dataset import Judged
from ingest.evaluation.metrics import mean, ndcg_at_k, recall_at_k
from ingest.indexer import SyncReport
from ingest.settings import IngestSettings

NDCG_AT = 10
RECALL_AT = 100
CONCURRENCY = 8
Progress = Callable[[str, int, int], None]  # (stage, done, total)


class EvaluationError(RuntimeError):
    """The corpus could not be indexed; the message says why."""


def eval_settings(settings: IngestSettings) -> IngestSettings:
    return settings.model_copy(update={"key_prefix": f"{settings.key_prefix}-eval"})


def source_name(root: Path) -> str:
    return "beir-" + (re.sub(r"[^\w\-]+", "-", Path(root).resolve().name).strip("-") or "dataset")


async def index_corpus(bot: Lorebot, root: Path, progress: Progress | None = None) -> SyncReport:
    report = await indexer_for(bot).sync(source_name(root), root, kind="beir", progress=progress)
    if report.error:
        raise EvaluationError(f"cannot index {root}: {report.error}")
    return report


def written_retriever(bot: Lorebot) -> Retriever:
    """A retriever over the index ingest writes (the configured model and index layout): what an
    evaluation measures, even while the bot still answers from a previous one (a model or layout
    switch waiting for other sources)."""
    embedder, indexes = bot.ingest_model()
    if indexes is bot.indexes:
        return bot.retriever
    return Retriever(indexes, embedder, bot.retriever.config)


def doc_ranking(passages: list, depth: int) -> list[str]:
    """Document ids in order of their best chunk (max score), at most `depth`."""
    ranked: dict[str, None] = {}
    for p in passages:
        ranked.setdefault(p.doc_id, None)
        if len(ranked) >= depth:
            break
    return list(ranked)


async def _rankings(retriever: Retriever, judged: Judged, source: str, mode: str, depth: int,
                    tick: Callable[[], None]) -> dict[str, list[str]]:
    gate = asyncio.Semaphore(CONCURRENCY)
    # Enough passages for `depth` documents even when each brings its full share of chunks.
    top_k = depth * retriever.config.max_per_doc

    async def one(qid: str) -> tuple[str, list[str]]:
        async with gate:
            passages = await retriever.search(judged.queries[qid], [source], top_k, mode=mode)
        tick()
        return qid, doc_ranking(passages, depth)

    return dict(await asyncio.gather(*(one(q) for q in judged.queries)))


class QueryMemo(Embedder):
    """An embedder that embeds each question once: every mode and pass asks the same questions."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.model_id, self.dims, self.max_tokens = inner.model_id, inner.dims, inner.max_tokens
        self._vectors: dict[str, np.ndarray] = {}

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def vocabulary_coverage(self, text: str) -> float:
        return self.inner.vocabulary_coverage(text)

    async def _encode(self, texts: list[str]) -> np.ndarray:
        return await self.inner.embed_documents(texts)

    async def embed_query(self, text: str) -> np.ndarray:
        if text not in self._vectors:
            self._vectors[text] = await self.inner.embed_query(text)
        return self._vectors[text]


async def evaluate(retriever: Retriever, source: str, judged: Judged, modes: list[str],
                   progress: Progress | None = None) -> dict[str, dict[str, float]]:
    """{mode: {"ndcg@10": x, "recall@100": y}} for the judged queries against `source`."""
    memo = QueryMemo(retriever.embedder)
    as_configured = Retriever(retriever.indexes, memo, retriever.config)
    deep = Retriever(retriever.indexes, memo, dataclasses.replace(
        retriever.config, candidates=max(retriever.config.candidates, 2 * RECALL_AT)))
    total = 2 * len(modes) * len(judged.queries)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("query", done, total)

    figures: dict[str, dict[str, float]] = {}
    for mode in modes:
        top = await _rankings(as_configured, judged, source, mode, NDCG_AT, tick)
        full = await _rankings(deep, judged, source, mode, RECALL_AT, tick)
        figures[mode] = {
            f"ndcg@{NDCG_AT}": round(mean([ndcg_at_k(top[q], judged.qrels[q], NDCG_AT) for q in judged.qrels]), 4),
            f"recall@{RECALL_AT}": round(mean([recall_at_k(full[q], judged.qrels[q], RECALL_AT)
                                               for q in judged.qrels]), 4),
        }
    return figures


async def run_eval(settings: IngestSettings, root: Path, judged: Judged, modes: list[str] | None = None,
                   progress: Progress | None = None) -> dict:
    """The `lorebot eval` result: {"default", "modes", "queries", "docs", "bad_data"} ("bad_data": the counts
    of Judged.bad_data: bad corpus lines, judgments of unknown documents and of unknown queries)."""
    modes = modes or list(MODES)
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise ValueError(f"unknown mode {unknown[0]!r}; known: {', '.join(MODES)}")
    bot = await Lorebot.open(eval_settings(settings))
    try:
        report = await index_corpus(bot, root, progress)
        figures = await evaluate(written_retriever(bot), source_name(root), judged, modes, progress)
    finally:
        await bot.close()
    return {
        "default": bot.retriever.config.mode,
        "modes": figures,
        "queries": len(judged.queries),
        "docs": report.added + report.changed + report.unchanged,
        "bad_data": judged.bad_data.to_dict(),
    }
