"""Grouping questions by meaning: agglomerative clustering (scikit-learn) of their embeddings.

Average linkage on cosine distance, cut at a distance threshold (LOREBOT_THEME_DISTANCE) rather
than at a number of clusters: how many themes a period holds is what we want to learn. Exact up to
EXACT_UP_TO questions (a full distance matrix: 3,000 questions take 36 MB); beyond, questions are first
gathered into fine MiniBatchKMeans groups (about MICRO_SIZE questions each, far tighter than a theme)
whose normalised centroids are then clustered the same way, so time and memory grow linearly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans

EXACT_UP_TO = 3000
MICRO_SIZE = 8
MAX_MICRO = 2000
SEED = 0


def normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


def _agglomerate(vectors: np.ndarray, distance: float) -> np.ndarray:
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=np.int64)
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=distance)
    return model.fit_predict(vectors)


def cluster(vectors: np.ndarray, distance: float) -> np.ndarray:
    """A theme number for each row of `vectors` (n x dims embeddings), numbered 0..k-1 by first
    appearance. `distance`: the average cosine distance up to which groups merge."""
    vectors = normalised(np.asarray(vectors, dtype=np.float32))
    n = len(vectors)
    if n <= EXACT_UP_TO:
        raw = _agglomerate(vectors, distance)
    else:
        k = min(MAX_MICRO, max(EXACT_UP_TO // 2, n // MICRO_SIZE))
        # Random initial centres: k-means++ over thousands of centres takes minutes (450 s for 1,550 of
        # them on 12,400 questions) and buys nothing when the groups are merged again afterwards.
        micro = MiniBatchKMeans(n_clusters=k, random_state=SEED, n_init=1, batch_size=4096, init="random").fit(vectors)
        raw = _agglomerate(normalised(micro.cluster_centers_), distance)[micro.labels_]
    order: dict[int, int] = {}
    return np.asarray([order.setdefault(int(c), len(order)) for c in raw], dtype=np.int64)


@dataclass(frozen=True)
class Group:
    """One theme's members (row numbers) and their normalised centroid."""

    members: np.ndarray
    centroid: np.ndarray

    def nearest(self, vectors: np.ndarray, texts: list[str], n: int = 3) -> list[str]:
        """The `n` distinct texts nearest the centroid: the theme's most representative questions."""
        order = self.members[np.argsort(-(vectors[self.members] @ self.centroid), kind="stable")]
        picked: dict[str, str] = {}
        for i in order:
            picked.setdefault(" ".join(texts[i].lower().split()), texts[i])
            if len(picked) == n:
                break
        return list(picked.values())


def groups(vectors: np.ndarray, labels: np.ndarray) -> list[Group]:
    """The groups of a clustering, by theme number."""
    vectors = normalised(vectors)
    out = []
    for c in range(int(labels.max()) + 1 if len(labels) else 0):
        members = np.flatnonzero(labels == c)
        out.append(Group(members, normalised(vectors[members].mean(axis=0, keepdims=True))[0]))
    return out


def assign(vectors: np.ndarray, centroids: np.ndarray, distance: float) -> np.ndarray:
    """For each row, the nearest centroid's number, or -1 when it is farther than `distance`
    (cosine): how questions of another period are counted in this period's themes."""
    if len(vectors) == 0 or len(centroids) == 0:
        return np.full(len(vectors), -1, dtype=np.int64)
    sims = normalised(vectors) @ centroids.T
    best = sims.argmax(axis=1)
    return np.where(1.0 - sims[np.arange(len(vectors)), best] <= distance, best, -1)
