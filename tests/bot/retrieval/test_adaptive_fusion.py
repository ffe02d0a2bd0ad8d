"""The learned fusion gives each side a say by how sure it is of the question: an embedding that
scores every candidate alike (blind to the language) hardly moves the keyword ranking, and a clear
vector winner beats a keyword list that merely matched a common word."""

from __future__ import annotations

from bot.retrieval.fusion import FEATURES, Ranked, feature_rows, fitted_weights, learned


def top(fused: dict[str, float]) -> str:
    return max(fused, key=lambda k: fused[k])


def test_a_blind_vector_side_does_not_override_confident_keywords():
    # Cosines within 0.02 of each other (as all-MiniLM-L6-v2 scores Arabic): no signal.
    vector = Ranked(1.0, [f"d{i}" for i in range(20)], [0.80 - 0.001 * i for i in range(20)])
    bm25 = Ranked(1.0, ["d7", "d3", "d12"], [14.0, 4.0, 3.5])
    assert top(learned(vector, bm25)) == "d7"


def test_a_confident_vector_side_wins_over_weak_keywords():
    vector = Ranked(1.0, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"],
                    [0.82, 0.45, 0.44, 0.43, 0.42, 0.41, 0.40, 0.39, 0.38, 0.37, 0.36])
    # BM25 matched only a frequent word: every candidate scores about the same.
    bm25 = Ranked(1.0, ["x", "y", "z", "a", "w", "v", "u", "t", "s", "r", "q"],
                  [2.05, 2.04, 2.03, 2.02, 2.01, 2.00, 1.99, 1.98, 1.97, 1.96, 1.95])
    assert top(learned(vector, bm25)) == "a"


def test_one_empty_side_leaves_the_other_ranking():
    vector = Ranked(1.0, ["a", "b", "c"], [0.9, 0.5, 0.4])
    fused = learned(vector, Ranked(1.0, [], []))
    assert sorted(fused, key=lambda k: -fused[k]) == ["a", "b", "c"]
    assert learned(Ranked(1.0, [], []), Ranked(1.0, [], [])) == {}


def test_features_and_weights_agree():
    assert len(fitted_weights()) == len(FEATURES)
    keys, rows = feature_rows(Ranked(1.0, ["a"], [0.5]), Ranked(1.0, ["b"], [3.0]))
    assert keys == ["a", "b"] and rows.shape == (2, len(FEATURES))
