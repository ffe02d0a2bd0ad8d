"""How sure Lorebot is that the passages it found answer the question: `confidence` in [0, 1].

Computed from what retrieval found (bot.retrieval.retriever.Evidence: each side's candidates with
their raw scores), with no model call beyond the question's one embedding (already made for the
search). The features (FEATURES; for a follow-up, see `assess`):

- `similarity`: cosine similarity of the question's embedding to the best chunk (the vector side's top
  candidate; the raw cosine, not a rank or a normalised score).
- `coverage`: the share of the question's content words, weighted by BM25's IDF among the chunks the
  channel can see (bot.retrieval.term_stats), that the best of the top three passages contains (title,
  heading and text). A question whose rare words no passage holds is not answered by them. Korean
  and Japanese words are judged as the index matches them, by their bigrams (bot.retrieval.cjk_words):
  a word counts by the share of its bigrams the passage holds; Chinese words are the index's segments.

They are combined by a logistic model, `confidence = 1 / (1 + exp(-(bias + sum(weights[f] * f))))`,
whose weights are fitted by `python -m bench.abstention --fit --write` on unanswerable questions made
from SciFact and MS MARCO together (each dataset weighing the same; L2-regularised logistic
regression), with the default local embedding model, judged leave-one-dataset-out, and kept with that
command in confidence_weights.json beside this module. Measured with `python -m
bench.confidence_candidates` and left out, because none separated better across both datasets
(README, "Confidence and abstention"): the cosine of the question to the closest single sentence of the
top passages (it costs a batch of sentence embeddings per question), the agreement of the vector and
keyword sides, how far the best cosine stands above the 10th, the best BM25 score against the sum of
the question's IDFs and against the 10th score, and the coverage of the question's words by the best
sentence alone.

With another embedding model the cosine scale differs: measure it with `lorebot eval DATASET
--abstention` and set LOREBOT_ABSTAIN_THRESHOLD (or a channel's threshold) accordingly.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from bot.retrieval.cjk_words import gram_words
from bot.retrieval.languages import normalise
from bot.retrieval.query_text import search_terms, stem
from bot.retrieval.retriever import Evidence, Retriever
from bot.retrieval.term_stats import TermStats, term_stats
from bot.retrieval.tokens import HAS_CJK, chinese_runs
from bot.types import Passage

COVERAGE_PASSAGES = 3  # the passages an extractive answer quotes, and the first a model reads
WEIGHTS_FILE = Path(__file__).with_name("confidence_weights.json")
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Features:
    """The evidence of one search (see the module docstring for each)."""

    similarity: float = 0.0
    coverage: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


FEATURES = list(Features().as_dict())


@dataclass(frozen=True)
class Assessment:
    """A search's passages, how sure the core is that they answer (0..1), and the features behind it
    (of the search that gave the confidence)."""

    passages: list[Passage]
    confidence: float
    features: Features


@lru_cache(maxsize=1)
def fitted() -> tuple[dict[str, float], float]:
    """(weight of each feature, bias) as bench.abstention fitted them (confidence_weights.json).
    Raises RuntimeError when the file was fitted for other features."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    if list(data["weights"]) != FEATURES:
        raise RuntimeError(f"{WEIGHTS_FILE.name} was fitted for other features: run bench.abstention --fit --write")
    return {k: float(v) for k, v in data["weights"].items()}, float(data["bias"])


def combine(f: Features, weights: dict[str, float] | None = None, bias: float | None = None) -> float:
    """The logistic model over the features: a probability-like score in (0, 1). Without `weights` and
    `bias`, the fitted ones."""
    if weights is None or bias is None:
        weights, bias = fitted()
    z = bias + sum(weights[name] * value for name, value in f.as_dict().items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def contains(text: str, root: str) -> bool:
    """Whether `text` (lower-cased) holds a word of stem `root`: a word starting with it, or for
    scripts written without spaces (Chinese, Japanese, Korean, Thai) the stem anywhere."""
    if _SPACELESS.search(root):
        return root in text
    return re.search(r"(?<![^\W_])" + re.escape(root), text) is not None


def coverage(terms: list[str], passages: list[Passage], stats: TermStats,
             grams: Mapping[str, Sequence[str]] | None = None) -> float:
    """IDF-weighted share of the question's searched words (`terms`, from `question_terms`) found in the
    best single passage among the first COVERAGE_PASSAGES; 0 when the question has no searched word.
    A Korean or Japanese word in `grams` (`gram_words` of the question) counts by the share of its
    bigrams the passage holds: 예약 of 예약하나요 is found in 예약하려면."""
    grams = grams or {}
    roots = list(dict.fromkeys(t if t in grams else stem(t) for t in terms))
    weights = {r: stats.idf(r) for r in roots if r in stats.df}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    best = 0.0
    for p in passages[:COVERAGE_PASSAGES]:
        text = f"{p.title}\n{p.heading}\n{p.text}".lower()
        found = sum(w * (held(text, grams[r]) if r in grams else float(contains(text, r))) for r, w in weights.items())
        best = max(best, found / total)
    return best


def held(text: str, grams: Sequence[str]) -> float:
    """The share of `grams` (a Korean or Japanese word's bigrams) that `text` holds."""
    return sum(1 for g in grams if g in text) / len(grams) if grams else 0.0


async def question_terms(retriever: Retriever, question: str) -> list[str]:
    """The words of `question` that coverage weighs: its search terms, where a run of Chinese is cut
    into words as the index's segmenter cuts it (Retriever.segments) instead of kept whole, and Korean
    and Japanese are their words as the index matches them (`gram_words`: stems, kanji and katakana
    runs, looked for by their bigrams). A whole clause ("图书费最多能报销多少钱") or a word as typed
    ("예약하나요") is no word of any chunk, so it would give these questions little coverage or none.
    Raises what the Redis client raises."""
    terms = search_terms(question)
    spaced = gram_words(question)
    if spaced:
        return [t for t in terms if not HAS_CJK.search(t)] + list(spaced)
    han = chinese_runs(question)
    if not han:
        return terms
    words = await retriever.segments(han)
    return [t for t in terms if not HAS_CJK.search(t)] + [w for w in words if w not in terms]


def similarity(evidence: Evidence, query: str) -> float:
    """The best cosine of the vector search of `query` (one query text of `evidence`); 0 without one."""
    vector = next((hits for side, q, hits in evidence.runs if q == query and side == "vector"), [])
    return vector[0][1] if vector else 0.0


async def assess(retriever: Retriever, question: str, sources: list[str] | None, top_k: int,
                 context: str = "", mode: str | None = None, context_weight: float = 0.5) -> Assessment:
    """Search `question` (with `context`: the previous question or the thread, as Retriever.search does) and judge
    the result. Coverage is always of the question's own words. A follow-up's search together with
    its context counts too, but only as far as the question's own words are found in the passages
    (its confidence times coverage): "Which intent does it need?" after a question about the Discord
    bot is judged by the Discord pages, "How do I bake bread?" after it is not. Raises what the search
    raises."""
    evidence = Evidence()
    passages = await retriever.search(question, sources, top_k, mode=mode, context=context,
                                      context_weight=context_weight, evidence=evidence)
    if not passages:
        return Assessment(passages, 0.0, Features())
    own = normalise(question)  # the text the search asked: Retriever.search normalises it (NFKC)
    terms = await question_terms(retriever, own)
    grams = gram_words(own)
    stats = await term_stats(retriever.indexes, terms, sources, grams)
    covered = coverage(terms, passages, stats, grams)
    alone = Features(similarity(evidence, own), covered)
    best = Assessment(passages, combine(alone), alone)
    joined = next((q for _, q, _ in evidence.runs if q != own), None)
    if joined is not None:
        follow = Features(similarity(evidence, joined), covered)
        if combine(follow) * covered > best.confidence:
            best = Assessment(passages, combine(follow) * covered, follow)
    return best
