"""The default fusion gives each side a say by how sure it is of the question: an embedding that
scores every candidate alike, or cannot read the question's language, hardly moves the keyword
ranking; a clear vector winner beats a keyword list that merely matched a common word."""

from __future__ import annotations

from bot.retrieval.fusion import FEATURES, Ranked, adaptive, feature_rows, fitted_params, fitted_weights, side_weights
from bot.retrieval.retriever import MODES

FLAT_VECTOR = Ranked(1.0, [f"d{i}" for i in range(20)], [0.80 - 0.001 * i for i in range(20)])
CONFIDENT_BM25 = Ranked(1.0, ["d7", "d3", "d12"], [14.0, 4.0, 3.5])
CONFIDENT_VECTOR = Ranked(1.0, list("abcdefghijk"), [0.82, 0.45, 0.44, 0.43, 0.42, 0.41, 0.40, 0.39, 0.38, 0.37, 0.36])
# BM25 matched only a frequent word: every candidate scores about the same.
FLAT_BM25 = Ranked(1.0, list("xyzawvutsrq"), [2.05, 2.04, 2.03, 2.02, 2.01, 2.00, 1.99, 1.98, 1.97, 1.96, 1.95])


def top(fused: dict[str, float]) -> str:
    return max(fused, key=lambda k: fused[k])


def test_the_default_mode_is_the_adaptive_fusion():
    assert MODES["hybrid"].fusion == "adaptive"
    assert len(fitted_params()) == 4  # c_v, c_b, alpha, k


def test_a_blind_vector_side_does_not_override_confident_keywords():
    # Cosines within 0.02 of each other (as all-MiniLM-L6-v2 scores Arabic): no signal.
    assert top(adaptive(FLAT_VECTOR, CONFIDENT_BM25)) == "d7"
    wv, wb = side_weights(FLAT_VECTOR, CONFIDENT_BM25, fitted_params())
    assert wv < 0.2 < wb


def test_a_model_that_cannot_read_the_question_gets_no_say():
    # A vector side that looks sure, for a question in a script the model does not know.
    fused = adaptive(CONFIDENT_VECTOR, Ranked(1.0, ["k", "a"], [9.0, 1.0]), coverage=0.0)
    assert top(fused) == "k"
    assert top(adaptive(CONFIDENT_VECTOR, Ranked(1.0, ["k", "a"], [9.0, 1.0]), coverage=1.0)) == "a"


def test_a_confident_vector_side_wins_over_weak_keywords():
    assert top(adaptive(CONFIDENT_VECTOR, FLAT_BM25)) == "a"


def test_a_word_only_one_page_has_is_a_sure_keyword_match():
    # A one-candidate BM25 list: every other chunk scored 0.
    wv, wb = side_weights(FLAT_VECTOR, Ranked(1.0, ["d9"], [7.5]), fitted_params())
    assert wb == 1.0
    assert top(adaptive(FLAT_VECTOR, Ranked(1.0, ["d9"], [7.5]))) == "d9"


def test_one_empty_side_leaves_the_other_ranking():
    fused = adaptive(Ranked(1.0, ["a", "b", "c"], [0.9, 0.5, 0.4]), Ranked(1.0, [], []))
    assert sorted(fused, key=lambda k: -fused[k]) == ["a", "b", "c"]
    assert adaptive(Ranked(1.0, [], []), Ranked(1.0, [], [])) == {}


def test_learned_features_and_weights_agree():
    assert len(fitted_weights()) == len(FEATURES)
    keys, rows = feature_rows(Ranked(1.0, ["a"], [0.5]), Ranked(1.0, ["b"], [3.0]))
    assert keys == ["a", "b"] and rows.shape == (2, len(FEATURES))
