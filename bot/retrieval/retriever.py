"""Hybrid retrieval: a vector KNN query and a BM25 full-text query over the same chunks, each
filtered to the sources the asking channel may see, then fused (bot.retrieval.fusion).

Fusion runs here rather than in FT.HYBRID (Redis 8.4+ only) so the same code serves the embedded
RediSearch 2.10, Redis Stack 7.4 and Redis 8. Named modes (MODES) say which lists are searched and
how they are fused; `lorebot eval` measures each of them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from redis.commands.search.query import Query
from redis.exceptions import ResponseError
from redisvl.query import FilterQuery, VectorQuery
from redisvl.query.filter import FilterExpression, Tag

from bot.retrieval.embedder import Embedder
from bot.retrieval.fusion import Ranked, adaptive, learned, normalised_sum, reciprocal_rank
from bot.retrieval.languages import normalise
from bot.retrieval.query_text import Keywords, full_text_query, keywords
from bot.store.index import LANGUAGE_FIELD, Indexes
from bot.types import Passage

BATCHES_FROM = 0.05  # share of all chunks from which a filtered KNN walks the graph (Retriever.knn_policy)
SHARE_TTL = 60.0  # seconds a channel's share of the chunks is reused
MAX_SHARES = 10_000  # filters remembered (one per distinct set of visible sources)
# HNSW search breadth (RediSearch's default is 10, i.e. the number of results asked for): at 100 the
# graph finds what brute force finds (SciFact vector nDCG@10 0.682 against 0.683; 0.674 at 40).
EF_RUNTIME = 100
CANDIDATE_FIELDS = ["source", "doc_id"]  # enough to fuse; the chosen passages' text is read afterwards
PASSAGE_FIELDS = ["text", "title", "heading", "path", "url"]
ENGLISH_ONLY = frozenset({"english"})
MIN_LANGUAGE_SHARE = 0.005  # of the chunks, for their language to be a candidate for questions
EXPANDED = "(expanded)"  # how FT.EXPLAINCLI marks the words a query expansion made


@dataclass(frozen=True)
class Mode:
    """Which candidate lists a mode searches, and how it fuses them."""

    vector: bool = True
    bm25: bool = True
    fusion: str = "rrf"  # "rrf": reciprocal rank; "convex": min-max normalised scores; "adaptive" and
    # "learned": fusion.adaptive and fusion.learned (weights fitted across datasets)
    vector_weight: float = 1.0
    text_weight: float = 1.0
    rrf_k: float = 60.0
    per_doc: bool = False  # fuse documents (each at its best chunk) rather than chunks


# Measured with `lorebot eval` (README, "Retrieval quality"); "hybrid" is the default.
MODES: dict[str, Mode] = {
    "vector": Mode(bm25=False),
    "bm25": Mode(vector=False),
    "rrf": Mode(),  # plain reciprocal rank fusion of chunks, k=60 (the first default)
    "rrf-doc": Mode(per_doc=True),
    "rrf-tuned": Mode(per_doc=True, rrf_k=5, vector_weight=0.8),
    "convex": Mode(fusion="convex", vector_weight=0.4, text_weight=0.6),
    "convex-equal": Mode(fusion="convex", vector_weight=0.5, text_weight=0.5, per_doc=True),
    # The default until layout 2: normalised scores with fixed weights, tuned on SciFact.
    "convex-tuned": Mode(fusion="convex", vector_weight=0.4, text_weight=0.6, per_doc=True),
    # A logistic regression over candidate features, fitted across datasets (bench.fusion_fit).
    "learned": Mode(fusion="learned", per_doc=True),
    # Each side weighed by how sure it is of this question (its score gap, and for the embedding how
    # much of the question's vocabulary it knows), fitted across datasets (bot.retrieval.fusion.adaptive,
    # bench.fusion_fit): an embedding blind to the question's language, or keywords matching only
    # common words, get little say.
    "hybrid": Mode(fusion="adaptive", per_doc=True),
}
DEFAULT_MODE = "hybrid"


@dataclass
class Evidence:
    """What the candidate lists of one search held, for judging how well they answer (bot.answering.
    confidence). `runs` has one entry per list searched: (side, query text, [(document key, raw
    score)] best first); side is "vector" (cosine similarity) or "bm25" (BM25STD score); the query text
    is the question, or the previous question and the question for a follow-up's second search."""

    runs: list[tuple[str, str, list[tuple[str, float]]]] = field(default_factory=list)


@dataclass(frozen=True)
class RetrievalConfig:
    mode: str = DEFAULT_MODE
    candidates: int = 40  # per list
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
        self.dtype = str(indexes.chunks.schema.fields["embedding"].attrs.datatype.value).lower()
        self._shares: dict[str, tuple[float, float]] = {}  # filter -> (share of chunks, when measured)
        self._segmented: dict[str, list[str]] = {}  # Han text -> its friso words
        self._languages: tuple[frozenset[str], float] = (ENGLISH_ONLY, -SHARE_TTL)  # (languages, when read)

    async def search(self, text: str, sources: list[str] | None, top_k: int,
                     mode: str | None = None, context: str = "", context_weight: float = 0.5,
                     evidence: Evidence | None = None) -> list[Passage]:
        """Passages for `text`. With `context` (the previous question of a conversation), the text is
        also searched together with it at `context_weight` (half by default), so a follow-up ("and on
        Windows?") finds what it refers to while a change of topic still wins on its own words.
        `evidence`, when given, is filled with the candidate lists."""
        name = mode or self.config.mode
        if name not in MODES:
            raise ValueError(f"unknown retrieval mode {name!r}; known: {', '.join(MODES)}")
        how = MODES[name]
        text, context = normalise(text), normalise(context)  # as chunks are (ingest)
        if not text.strip():
            return []  # nothing to search for (and embedding endpoints refuse empty input)
        queries = [(text, 1.0)] + ([(f"{context}\n{text}", context_weight)] if context else [])
        flt = source_filter(sources)
        policy = await self.knn_policy(flt) if how.vector else None
        weights: list[tuple[str, float]] = []
        asked: list[str] = []
        tasks = []
        coverage = [self.embedder.vocabulary_coverage(q) for q, _ in queries] if how.fusion == "adaptive" else []
        for q, weight in queries:
            if how.vector:
                weights.append(("vector", how.vector_weight * weight))
                asked.append(q)
                tasks.append(self._vector(q, flt, policy))
            words = keywords(q, await self.indexed_languages()) if how.bm25 else None
            if words:
                weights.append(("bm25", how.text_weight * weight))
                asked.append(q)
                tasks.append(self._bm25(words, sources))
        if not tasks:
            return []
        results = await asyncio.gather(*tasks)
        if evidence is not None:
            evidence.runs = [(name, q, [(doc_key(h), float(h["score"])) for h in hits])
                             for (name, _), q, hits in zip(weights, asked, results)]
        return await self._passages(self._fuse(how, list(zip(weights, results)), top_k, coverage))

    async def candidates(self, text: str, sources: list[str] | None) -> dict[str, list[dict]]:
        """Each side's candidate chunks for `text` ({"vector": hits, "bm25": hits}, best first, each
        hit with "id", "source", "doc_id" and its raw "score"), as search fuses them: for benchmarks
        that fit or compare fusions (bench.fusion_fit)."""
        text = normalise(text)
        flt = source_filter(sources)
        words = keywords(text, await self.indexed_languages())
        vector, bm25 = await asyncio.gather(
            self._vector(text, flt, await self.knn_policy(flt)),
            self._bm25(words, sources) if words else asyncio.sleep(0, result=[]),
        )
        return {"vector": vector, "bm25": bm25}

    async def indexed_languages(self) -> frozenset[str]:
        """The languages of at least MIN_LANGUAGE_SHARE of the chunks (their `lang` tag values),
        looked up once a minute: a question is told apart only among them
        (bot.retrieval.languages.question_language), so a few short chunks labelled wrongly (a
        line of URLs "in Lithuanian") cannot make English questions ambiguous. An index built
        before chunks had a language: English."""
        languages, when = self._languages
        if time.monotonic() - when >= SHARE_TTL:
            ft = self.indexes.chunks.client.ft(self.indexes.chunks.name)
            try:
                found = await self.indexes.chunks.client.execute_command(
                    "FT.TAGVALS", self.indexes.chunks.name, LANGUAGE_FIELD)
            except ResponseError:  # no such field: layout 1
                found = []
            names = [v.decode() if isinstance(v, bytes) else str(v) for v in found]
            counts = {}
            for name in names:
                counts[name] = (await ft.search(Query(f"@{LANGUAGE_FIELD}:{{{name}}}").paging(0, 0).dialect(2))).total
            total = sum(counts.values())
            languages = frozenset(n for n, c in counts.items() if c >= MIN_LANGUAGE_SHARE * total) or ENGLISH_ONLY
            self._languages = (languages, time.monotonic())
        return languages

    async def knn_policy(self, flt: FilterExpression | None) -> str | None:
        """How a filtered KNN runs. RediSearch 2.10 picks brute force over the matching chunks even
        when they are half the index (14 ms at 100k chunks for a 15% share, against 3 ms walking the
        graph and filtering as it goes, "BATCHES"); brute force only wins for a small share (0.4%:
        7 ms against 29). So: BATCHES from 5% of the chunks up, the share measured once a minute."""
        if flt is None:
            return None
        key = str(flt)
        share, when = self._shares.get(key, (0.0, -SHARE_TTL))
        if time.monotonic() - when >= SHARE_TTL:
            search = self.indexes.chunks.client.ft(self.indexes.chunks.name).search
            matching = (await search(Query(key).paging(0, 0).dialect(2))).total
            total = (await search(Query("*").paging(0, 0).dialect(2))).total
            share = matching / total if total else 0.0
            if len(self._shares) >= MAX_SHARES:
                self._shares.clear()
            self._shares[key] = (share, time.monotonic())
        return "BATCHES" if share >= BATCHES_FROM else None

    async def _vector(self, text: str, flt: FilterExpression | None, policy: str | None) -> list[dict]:
        vec = await self.embedder.embed_query(text)
        query = VectorQuery(
            vector=vec.tolist(), vector_field_name="embedding", return_fields=CANDIDATE_FIELDS,
            filter_expression=flt, num_results=self.config.candidates, dtype=self.dtype, hybrid_policy=policy,
            ef_runtime=EF_RUNTIME,
        )
        hits = await self.indexes.chunks.query(query)
        for hit in hits:
            hit["score"] = 1.0 - float(hit["vector_distance"])  # cosine similarity
        return hits

    async def _bm25(self, words: Keywords, sources: list[str] | None) -> list[dict]:
        exact = words.exact + (await self.segments(words.han) if words.han else [])
        text = full_text_query(words.terms, sources, words.language, exact, words.forms)
        if not text:
            return []
        query = FilterQuery(
            filter_expression=FilterExpression(text), return_fields=CANDIDATE_FIELDS,
            num_results=self.config.candidates,
        )
        query.scorer("BM25STD").with_scores().verbatim()  # full_text_query spells out each word's forms
        return await self.indexes.chunks.query(query)

    async def segments(self, runs: list[str]) -> list[str]:
        """Chinese words of `runs` as the index's friso segmenter cuts them (Chinese chunks are
        indexed so, bot.store.index): FT.EXPLAINCLI shows the words its Chinese query expansion
        makes, "通讯费最多" -> 通讯, 费, 最多. Remembered: questions repeat their phrases."""
        key = " ".join(runs)
        if key not in self._segmented:
            client = self.indexes.chunks.client
            lines = await client.execute_command(
                "FT.EXPLAINCLI", self.indexes.chunks.name, key, "LANGUAGE", "chinese")
            words = []
            for line in lines:
                line = (line.decode() if isinstance(line, bytes) else str(line)).strip()
                if line.endswith(EXPANDED):
                    words.append(line[: -len(EXPANDED)])
            if len(self._segmented) >= MAX_SHARES:
                self._segmented.clear()
            self._segmented[key] = list(dict.fromkeys(words))
        return self._segmented[key]

    def _fuse(self, how: Mode, runs: list[tuple[tuple[str, float], list[dict]]], top_k: int,
              coverage: list[float] | None = None) -> list[Passage]:
        """The best `top_k` chunks, as passages without their text yet."""
        rows: dict[str, dict] = {}
        ranks: dict[str, dict[str, int]] = {}
        for (name, _), hits in runs:
            for rank, hit in enumerate(hits, 1):
                rows.setdefault(hit["id"], hit)
                ranks.setdefault(hit["id"], {}).setdefault(name, rank)
        unit = (lambda key: doc_key(rows[key])) if how.per_doc else (lambda key: key)
        lists = []
        for (_, weight), hits in runs:
            best: dict[str, float] = {}
            for hit in hits:
                best.setdefault(unit(hit["id"]), float(hit["score"]))
            lists.append(Ranked(weight, list(best), list(best.values())))
        if how.fusion in ("learned", "adaptive"):
            fused = self._paired(how.fusion, [name for (name, _), _ in runs], lists, coverage or [])
        else:
            fused = reciprocal_rank(lists, how.rrf_k) if how.fusion == "rrf" else normalised_sum(lists)
        # Chunks in order of their unit's fused score (a document's chunks stay together when fused
        # per document), then of their own best rank in any list.
        order = sorted(rows, key=lambda key: (-fused[unit(key)], min(ranks[key].values())))
        passages: list[Passage] = []
        per_doc: dict[str, int] = {}
        for key in order:
            row = rows[key]
            doc = doc_key(row)
            if per_doc.get(doc, 0) >= self.config.max_per_doc:
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            passages.append(Passage(
                chunk_id=key, doc_id=row.get("doc_id", ""), source=row.get("source", ""), title="", heading="",
                path="", url="", text="", score=fused[unit(key)], ranks=ranks[key],
            ))
            if len(passages) >= top_k:
                break
        return passages

    @staticmethod
    def _paired(fusion: str, names: list[str], lists: list[Ranked], coverage: list[float]) -> dict[str, float]:
        """fusion.adaptive or fusion.learned over each searched text's vector and BM25 lists (a side
        that found nothing, or was not searched, is an empty list), the texts' scores added by their
        weight; `coverage`: the embedding's vocabulary coverage of each text."""
        fused: dict[str, float] = {}
        pairs: list[dict[str, Ranked]] = []
        for name, lst in zip(names, lists):
            if not pairs or name in pairs[-1]:
                pairs.append({})
            pairs[-1][name] = lst
        for n, pair in enumerate(pairs):
            weight = next(iter(pair.values())).weight
            vector = Ranked(weight, *_keys_scores(pair.get("vector")))
            bm25 = Ranked(weight, *_keys_scores(pair.get("bm25")))
            scores = (adaptive(vector, bm25, coverage=coverage[n] if n < len(coverage) else 1.0)
                      if fusion == "adaptive" else learned(vector, bm25))
            for key, score in scores.items():
                fused[key] = fused.get(key, 0.0) + score
        return fused

    async def _passages(self, chosen: list[Passage]) -> list[Passage]:
        """The chosen chunks with their text, read in one round trip. A chunk deleted since the
        search (a sync swapped its page) is left out."""
        pipe = self.indexes.chunks.client.pipeline(transaction=False)
        for p in chosen:
            pipe.hmget(p.chunk_id, PASSAGE_FIELDS)
        found = []
        for p, values in zip(chosen, await pipe.execute()):
            if values[0] is None:
                continue
            texts = (v.decode() if isinstance(v, bytes) else (v or "") for v in values)
            fields: dict[str, Any] = dict(zip(PASSAGE_FIELDS, texts))
            found.append(dataclasses.replace(p, **fields))
        return found


def _keys_scores(lst: Ranked | None) -> tuple[list[str], list[float]]:
    return (list(lst.keys), list(lst.scores)) if lst is not None else ([], [])


def doc_key(row: dict) -> str:
    return f"{row.get('source', '')}\x00{row.get('doc_id', '')}"
