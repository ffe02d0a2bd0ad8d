"""How sure Lorebot is that the passages it found answer the question: `confidence` in [0, 1].

Computed from what retrieval found, with no model call beyond the question's one embedding (already
made for the search). Features, per search of the question (and, for a follow-up, of the previous
question with it; the larger confidence wins, since a follow-up is understood in context):

- `similarity`: cosine similarity of the question's embedding to the best chunk (the vector side's
  top candidate; the raw cosine, not a rank or a normalised score).
- `similarity_z`: how far that best cosine stands above the vector side's other candidates, in their
  standard deviations: a clear winner, or one among many alike.
- `coverage`: the share of the question's content words, weighted by BM25's IDF among the chunks the
  channel can see (bot.retrieval.term_stats), that the best of the top three passages contains
  (title, heading and text). A question whose rare words no passage holds is not answered by them.
- `agreement`: 1 when the vector and keyword sides rank the same document first, else 0.

They are combined by a logistic model, `confidence = 1 / (1 + exp(-(b + sum(w_i * x_i))))`, whose
weights (WEIGHTS, BIAS) were fitted by `bench/abstention.py` on unanswerable questions built from
SciFact and MS MARCO together (each dataset weighing the same; cross-validated across the two: fitted
on one, measured on the other, see README "Confidence and abstention"), with the default local
embedding model. With another embedding model the cosine scale differs: measure it with
`lorebot eval DATASET --abstention` and set LOREBOT_ABSTAIN_THRESHOLD (or a channel's threshold).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from bot.retrieval.query_text import search_terms, stem
from bot.retrieval.retriever import Evidence, Retriever
from bot.retrieval.term_stats import TermStats, term_stats
from bot.types import Passage

COVERAGE_PASSAGES = 3  # the passages an extractive answer quotes, and the first a model reads
# Fitted by bench/abstention.py (see the module docstring); BIAS is the intercept.
WEIGHTS: dict[str, float] = {"similarity": 6.0, "similarity_z": 0.5, "coverage": 4.0, "agreement": 1.0}
BIAS = -6.0
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Features:
    """The evidence of one search (see the module docstring for each)."""

    similarity: float = 0.0
    similarity_z: float = 0.0
    coverage: float = 0.0
    agreement: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"similarity": self.similarity, "similarity_z": self.similarity_z, "coverage": self.coverage,
                "agreement": self.agreement}


@dataclass(frozen=True)
class Assessment:
    """A search's passages, how sure the core is that they answer (0..1), and the features behind it
    (of the search that gave the confidence)."""

    passages: list[Passage]
    confidence: float
    features: Features


def combine(f: Features) -> float:
    """The logistic model over the features: a probability-like score in (0, 1)."""
    z = BIAS + sum(WEIGHTS[name] * value for name, value in f.as_dict().items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def contains(text: str, root: str) -> bool:
    """Whether `text` (lower-cased) holds a word of stem `root`: a word starting with it, or for
    scripts written without spaces (Chinese, Japanese, Korean, Thai) the stem anywhere."""
    if _SPACELESS.search(root):
        return root in text
    return re.search(r"(?<![^\W_])" + re.escape(root), text) is not None


def coverage(question: str, passages: list[Passage], stats: TermStats) -> float:
    """IDF-weighted share of the question's searched words found in the best single passage among the
    first COVERAGE_PASSAGES; 0 when the question has no searched word."""
    roots = list(dict.fromkeys(stem(t) for t in search_terms(question)))
    weights = {r: stats.idf(r) for r in roots if r in stats.df}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    best = 0.0
    for p in passages[:COVERAGE_PASSAGES]:
        text = f"{p.title}\n{p.heading}\n{p.text}".lower()
        best = max(best, sum(w for r, w in weights.items() if contains(text, r)) / total)
    return best


def features(question: str, evidence: Evidence, passages: list[Passage], stats: TermStats) -> Features:
    """The features of the search of `question` (one query text of `evidence`)."""
    runs = {side: hits for side, q, hits in evidence.runs if q == question}
    vector, bm25 = runs.get("vector", []), runs.get("bm25", [])
    similarity = vector[0][1] if vector else 0.0
    z = 0.0
    if len(vector) > 2:
        rest = [s for _, s in vector[1:]]
        z = (similarity - statistics.fmean(rest)) / (statistics.pstdev(rest) + 1e-3)
    agreement = 1.0 if vector and bm25 and vector[0][0] == bm25[0][0] else 0.0
    return Features(similarity=similarity, similarity_z=min(z, 10.0), coverage=coverage(question, passages, stats),
                    agreement=agreement)


async def assess(retriever: Retriever, question: str, sources: list[str] | None, top_k: int,
                 context: str = "", mode: str | None = None) -> Assessment:
    """Search `question` (with `context`, the previous question, as Retriever.search does) and judge
    the result. Raises what the search raises."""
    evidence = Evidence()
    passages = await retriever.search(question, sources, top_k, mode=mode, context=context, evidence=evidence)
    if not passages:
        return Assessment(passages, 0.0, Features())
    asked = list(dict.fromkeys(q for _, q, _ in evidence.runs))
    words = list(dict.fromkeys(t for q in asked for t in search_terms(q)))
    stats = await term_stats(retriever.indexes, words, sources)
    judged = [features(q, evidence, passages, stats) for q in asked]
    scores = [combine(f) for f in judged]
    best = max(range(len(scores)), key=scores.__getitem__)
    return Assessment(passages, scores[best], judged[best])
