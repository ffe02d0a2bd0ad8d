"""The confidence model's weights come from confidence_weights.json, as bench.abstention fitted them, and
a file fitted for other features is refused rather than read wrongly."""

from __future__ import annotations

import json
import math

import pytest

from bot.answering import confidence
from bot.answering.confidence import FEATURES, Features, combine, fitted


def test_the_shipped_weights_are_the_fitted_ones_with_their_command():
    data = json.loads(confidence.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert list(data["weights"]) == FEATURES and data["command"].startswith("python -m bench.abstention --fit")
    weights, bias = fitted()
    f = Features(similarity=0.6, coverage=0.5)
    z = bias + weights["similarity"] * 0.6 + weights["coverage"] * 0.5
    assert combine(f) == pytest.approx(1 / (1 + math.exp(-z)))
    # more similar and better covered is more confident
    assert combine(Features(0.8, 0.9)) > combine(f) > combine(Features(0.3, 0.1))


def test_weights_fitted_for_other_features_are_refused(tmp_path, monkeypatch):
    other = tmp_path / "confidence_weights.json"
    other.write_text(json.dumps({"weights": {"similarity": 1.0, "sentence": 2.0}, "bias": 0.0}))
    monkeypatch.setattr(confidence, "WEIGHTS_FILE", other)
    fitted.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fitted for other features"):
            fitted()
    finally:
        monkeypatch.undo()
        fitted.cache_clear()
    assert fitted()[0].keys() == set(FEATURES)
