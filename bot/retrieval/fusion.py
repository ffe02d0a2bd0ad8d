"""Fusing ranked candidate lists (vector KNN, BM25) into one score per key.

Two ways, both weighted per list:
- reciprocal rank fusion: sum of weight / (k + rank); uses ranks only, so it needs no score scale;
- convex combination of min-max normalised scores: sum of weight * (s - min) / (max - min) over each
  list's candidates (a key missing from a list gets 0 from it); keeps how far apart the scores
  are, which ranks alone lose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Ranked:
    """One candidate list: keys best first, their raw scores (higher is better), and its weight."""

    weight: float
    keys: Sequence[str]
    scores: Sequence[float]


def reciprocal_rank(lists: Sequence[Ranked], k: float = 60.0) -> dict[str, float]:
    fused: dict[str, float] = {}
    for lst in lists:
        for rank, key in enumerate(lst.keys, 1):
            fused[key] = fused.get(key, 0.0) + lst.weight / (k + rank)
    return fused


def normalised_sum(lists: Sequence[Ranked]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for lst in lists:
        if not lst.keys:
            continue
        low, high = min(lst.scores), max(lst.scores)
        span = high - low
        for key, score in zip(lst.keys, lst.scores):
            # A list whose candidates all score alike says nothing about their order: each gets half.
            norm = (score - low) / span if span > 0 else 0.5
            fused[key] = fused.get(key, 0.0) + lst.weight * norm
    for lst in lists:
        for key in lst.keys:
            fused.setdefault(key, 0.0)
    return fused



# Learned fusion: a linear score over per-candidate features, fitted across datasets
# (bench.fusion_fit, leave-one-corpus-out) and kept in fusion_weights.json beside this file.
WEIGHTS_FILE = Path(__file__).with_name("fusion_weights.json")
GAP_AT = 10  # a list's confidence compares its best score with its GAP_AT-th
FEATURES = [
    "v",  # vector score, min-max normalised over the list (0: not in it)
    "b",  # BM25 score, likewise
    "v*gap_v",  # ... times the vector list's confidence: cosine of its best minus its 10th
    "b*gap_b",  # ... times the BM25 list's: 1 - its 10th score / its best
    "cos",  # the raw cosine similarity (0: not in the vector list)
    "rank_v",  # 1 / (10 + rank) in the vector list (0: not in it)
    "rank_b",  # likewise in the BM25 list
]


def _normalised(lst: Ranked) -> dict[str, float]:
    if not lst.keys:
        return {}
    low, high = min(lst.scores), max(lst.scores)
    span = high - low
    return {k: (s - low) / span if span > 0 else 0.5 for k, s in zip(lst.keys, lst.scores)}


def _gap(scores: Sequence[float], relative: bool) -> float:
    """How far a list's best score stands above its GAP_AT-th: in cosine (`relative` False), or as
    1 - GAP_AT-th / best for BM25, where a list shorter than GAP_AT had every other chunk score 0
    (a word only one page has: gap 1)."""
    if not scores:
        return 0.0
    top = scores[0]
    if relative:
        nth = scores[GAP_AT - 1] if len(scores) >= GAP_AT else 0.0
        return 1.0 - nth / top if top > 0 else 0.0
    return top - scores[min(GAP_AT, len(scores)) - 1]


def feature_rows(vector: Ranked, bm25: Ranked) -> tuple[list[str], np.ndarray]:
    """The candidates of both lists (keys) and their FEATURES, one row each."""
    nv, nb = _normalised(vector), _normalised(bm25)
    gap_v, gap_b = _gap(vector.scores, relative=False), _gap(bm25.scores, relative=True)
    cos = dict(zip(vector.keys, vector.scores))
    rank_v = {k: 1.0 / (10 + r) for r, k in enumerate(vector.keys, 1)}
    rank_b = {k: 1.0 / (10 + r) for r, k in enumerate(bm25.keys, 1)}
    keys = list(dict.fromkeys([*vector.keys, *bm25.keys]))
    rows = np.zeros((len(keys), len(FEATURES)), dtype=np.float64)
    for i, k in enumerate(keys):
        v, b = nv.get(k, 0.0), nb.get(k, 0.0)
        rows[i] = (v, b, v * gap_v, b * gap_b, cos.get(k, 0.0), rank_v.get(k, 0.0), rank_b.get(k, 0.0))
    return keys, rows


@lru_cache(maxsize=1)
def fitted_weights() -> tuple[float, ...]:
    """The weights bench.fusion_fit fitted (fusion_weights.json)."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    if data["features"] != FEATURES:
        raise RuntimeError(f"{WEIGHTS_FILE.name} was fitted for other features: run bench.fusion_fit --write")
    return tuple(float(w) for w in data["weights"])


def learned(vector: Ranked, bm25: Ranked, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Fused scores of the candidates of a vector and a BM25 list: the fitted linear combination of
    their FEATURES, scaled by the lists' weight (the vector list's; both carry the same)."""
    keys, rows = feature_rows(vector, bm25)
    if not keys:
        return {}
    w = np.asarray(weights if weights is not None else fitted_weights(), dtype=np.float64)
    scores = rows @ w
    return {k: float(s) * vector.weight for k, s in zip(keys, scores)}


def side_weights(vector: Ranked, bm25: Ranked, params: Sequence[float]) -> tuple[float, float]:
    """(vector weight, BM25 weight) for this question: each side's confidence, its score gap
    against the gap of a side that is sure, capped at 1: min(1, gap_v / c_v) and min(1, gap_b / c_b)
    (params starts c_v, c_b). gap_v is the cosine of the vector list's best candidate minus its
    10th's; gap_b the BM25 list's 1 - 10th score / best score. A blind embedding (every candidate
    alike) or keywords matching only common words get little say; a side that found nothing gets 0."""
    c_v, c_b = params[0], params[1]
    return (min(1.0, _gap(vector.scores, relative=False) / c_v) if vector.keys else 0.0,
            min(1.0, _gap(bm25.scores, relative=True) / c_b) if bm25.keys else 0.0)


def _blend(lst: Ranked, alpha: float, k: float) -> dict[str, float]:
    """Each candidate's min-max normalised score (share alpha) plus its rank score (k + 1) / (k + rank)
    (share 1 - alpha): the score says how far ahead a winner is, the rank lets a candidate both lists
    hold count for its agreement, as reciprocal rank fusion does."""
    norm = _normalised(lst)
    return {key: alpha * norm[key] + (1 - alpha) * (k + 1) / (k + rank) for rank, key in enumerate(lst.keys, 1)}


def adaptive(vector: Ranked, bm25: Ranked, params: Sequence[float] | None = None,
             coverage: float = 1.0) -> dict[str, float]:
    """Both lists' candidates, each list's blend of score and rank (_blend) weighted by side_weights,
    the vector side's also by the embedding model's vocabulary coverage of the question
    (Embedder.vocabulary_coverage: a model that cannot read the question's language gets no say),
    times the lists' weight (the vector list's; both carry the same). params = (c_v, c_b, alpha, k),
    fitted across datasets (fusion_weights.json)."""
    params = params if params is not None else fitted_params()
    alpha, k = params[2], params[3]
    wv, wb = side_weights(vector, bm25, params)
    wv *= coverage
    if wv + wb == 0:  # neither side sure of anything: both count alike
        wv = wb = 0.5
    fused: dict[str, float] = {}
    for weight, lst in ((wv, vector), (wb, bm25)):
        for key, value in _blend(lst, alpha, k).items():
            fused[key] = fused.get(key, 0.0) + weight * value * vector.weight
    for key in (*vector.keys, *bm25.keys):
        fused.setdefault(key, 0.0)
    return fused


@lru_cache(maxsize=1)
def fitted_params() -> tuple[float, ...]:
    """The parameters of `adaptive` bench.fusion_fit fitted (fusion_weights.json)."""
    return tuple(float(p) for p in json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["adaptive"]["params"])
