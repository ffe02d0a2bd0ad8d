"""Fusing ranked candidate lists (vector KNN, BM25) into one score per key.

Two ways, both weighted per list:
- reciprocal rank fusion: sum of weight / (k + rank); uses ranks only, so it needs no score scale;
- convex combination of min-max normalised scores: sum of weight * (s - min) / (max - min) over each
  list's candidates (a key missing from a list gets 0 from it); keeps how far apart the scores
  are, which ranks alone lose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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

