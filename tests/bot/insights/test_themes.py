"""Clustering: exact below EXACT_UP_TO questions, through fine k-means groups above; both recover
well-separated groups, and a far question stays alone."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from bot.insights.themes import EXACT_UP_TO, assign, cluster, groups


def blobs(n: int, k: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, 64))
    labels = rng.integers(k, size=n)
    return centres[labels] + 0.3 * rng.normal(size=(n, 64)), labels


def test_exact_and_scaled_paths_recover_the_groups():
    for n in (200, EXACT_UP_TO + 500):
        vectors, labels = blobs(n)
        found = cluster(vectors, 0.65)
        assert adjusted_rand_score(labels, found) > 0.99, n
        assert found[0] == 0  # numbered by first appearance


def test_far_question_alone_and_assignment():
    vectors, _ = blobs(100, k=2)
    odd = -vectors.mean(axis=0, keepdims=True)
    found = cluster(np.vstack([vectors, odd]), 0.65)
    assert (found == found[-1]).sum() == 1
    centroids = np.stack([g.centroid for g in groups(vectors, cluster(vectors, 0.65))])
    assert list(assign(np.vstack([vectors[:1], odd]), centroids, 0.65)) == [0, -1]
