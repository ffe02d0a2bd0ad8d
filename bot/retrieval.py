"""Hybrid retrieval: a vector KNN query and a BM25 full-text query over the same chunks, each
filtered to the sources the asking channel may see, fused by weighted reciprocal rank fusion.

Fusion runs here rather than in FT.HYBRID (Redis 8.4+ only) so the same code serves the embedded
RediSearch 2.10, Redis Stack 7.4 and Redis 8.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from redisvl.query import TextQuery, VectorQuery
from redisvl.query.filter import FilterExpression, Tag

from bot.embedder import Embedder
from bot.index import Indexes
from bot.query_text import search_terms
from bot.types import Passage

RETURN_FIELDS = ["text", "title", "heading", "source", "doc_id", "path", "url"]


@dataclass(frozen=True)
class RetrievalConfig:
    mode: str = "hybrid"  # "hybrid", "vector", "bm25"
    candidates: int = 40
    rrf_k: int = 60
    vector_weight: float = 1.0
    text_weight: float = 1.0
    text_fields: tuple[tuple[str, float], ...] = (("text", 1.0), ("title", 1.0), ("heading", 1.0))
    max_per_doc: int = 3  # keep one long page from crowding out every other source


def source_filter(sources: list[str] | None) -> FilterExpression | None:
    """None: every source. A list: only those (an empty list is handled by the caller)."""
    if sources is None:
        return None
    return Tag("source") == list(sources)


class Retriever:
    def __init__(self, indexes: Indexes, embedder: Embedder, config: RetrievalConfig | None = None):
        self.indexes = indexes
        self.embedder = embedder
        self.config = config or RetrievalConfig()

    async def search(self, text: str, sources: list[str] | None, top_k: int,
                     mode: str | None = None, context: str = "") -> list[Passage]:
        """Passages for `text`. With `context` (the previous question of a conversation), the text is
        also searched together with it at half weight, so a follow-up ("and on Windows?") finds what
        it refers to while a change of topic still wins on its own words."""
        queries = [(text, 1.0)] + ([(f"{context}\n{text}", 0.5)] if context else [])
        mode = mode or self.config.mode
        flt = source_filter(sources)
        runs: list[tuple[str, float]] = []
        tasks = []
        for q, weight in queries:
            if mode in ("hybrid", "vector"):
                runs.append(("vector", self.config.vector_weight * weight))
                tasks.append(self._vector(q, flt))
            terms = search_terms(q)
            if mode in ("hybrid", "bm25") and terms:
                runs.append(("bm25", self.config.text_weight * weight))
                tasks.append(self._bm25(terms, flt))
        if not tasks:
            return []
        results = await asyncio.gather(*tasks)
        return self._fuse(list(zip(runs, results)), top_k)

    async def _vector(self, text: str, flt: FilterExpression | None) -> list[dict]:
        vec = await self.embedder.embed_query(text)
        query = VectorQuery(
            vector=vec.tolist(), vector_field_name="embedding", return_fields=RETURN_FIELDS,
            filter_expression=flt, num_results=self.config.candidates, dtype="float32",
        )
        return await self.indexes.chunks.query(query)

    async def _bm25(self, terms: list[str], flt: FilterExpression | None) -> list[dict]:
        query = TextQuery(
            text=" ".join(terms), text_field_name=dict(self.config.text_fields), text_scorer="BM25STD",
            filter_expression=flt, return_fields=RETURN_FIELDS, num_results=self.config.candidates,
            stopwords=None,
        )
        return await self.indexes.chunks.query(query)

    def _fuse(self, runs: list[tuple[tuple[str, float], list[dict]]], top_k: int) -> list[Passage]:
        scores: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        rows: dict[str, dict] = {}
        for (name, weight), hits in runs:
            for rank, hit in enumerate(hits, 1):
                key = hit["id"]
                rows.setdefault(key, hit)
                ranks.setdefault(key, {}).setdefault(name, rank)
                scores[key] = scores.get(key, 0.0) + weight / (self.config.rrf_k + rank)
        passages: list[Passage] = []
        per_doc: dict[tuple[str, str], int] = {}
        for key in sorted(scores, key=lambda k: scores[k], reverse=True):
            row = rows[key]
            doc = (row.get("source", ""), row.get("doc_id", ""))
            if per_doc.get(doc, 0) >= self.config.max_per_doc:
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            passages.append(Passage(
                chunk_id=key, doc_id=row.get("doc_id", ""), source=row.get("source", ""),
                title=row.get("title", ""), heading=row.get("heading", ""), path=row.get("path", ""),
                url=row.get("url", ""), text=row.get("text", ""), score=scores[key], ranks=ranks[key],
            ))
            if len(passages) >= top_k:
                break
        return passages
