"""Candidate confidence features, measured before any is shipped (bot.answering.confidence): for each
question of the abstention benchmark (ingest.evaluation.abstention, seed 13) every candidate is read
from what retrieval returned, then each is judged alone (ROC AUC per dataset) and added to the shipped
features (logistic regression as bench.abstention fits it: leave-one-dataset-out, and 5-fold within
both datasets together).

    python -m bench.confidence_candidates [--scifact DIR] [--from-file]

Candidates (besides the shipped `similarity` and `coverage`):
- `sentence`: cosine of the question's embedding to the closest sentence of the top 3 passages
  (bot.answering.extractive.sentences; sentences of 20 characters or more, at most 60), embedded with
  the model the search uses, uncached; `sentence_ms` is what that costs per question (wall clock);
  `title`: the same for the top 3 passages' titles, `sentence_or_title` the higher of the two;
- `gap_v`: best cosine minus the 10th; `bm25_norm`: best BM25 score / the sum of the IDFs of the
  question's words (bot.retrieval.term_stats); `bm25_gap`: 1 - 10th BM25 score / best;
- `agree_top`: the vector and BM25 sides put the same document first; `agree5`: share of the top 5
  documents both sides hold;
- `sentence_coverage`: `coverage` measured in the best sentence alone (the closest by cosine).

Writes bench/results/confidence_candidates.json (per question, reused with --from-file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np

from adapters.settings import load_settings
from bench.abstention import FITTED, auroc, cross_validated, fit, scored
from bench.common import RESULTS
from bot.answering.confidence import contains, coverage, question_terms
from bot.answering.extractive import sentences
from bot.core import Lorebot
from bot.retrieval.cjk_words import gram_words
from bot.retrieval.languages import normalise
from bot.retrieval.query_text import stem
from bot.retrieval.retriever import Evidence, Retriever
from bot.retrieval.term_stats import term_stats
from ingest.context import indexer_for
from ingest.evaluation.abstention import DEFAULT_SEED, Case, split_queries, write_corpus_without
from ingest.evaluation.dataset import load_judged
from ingest.evaluation.runner import QueryMemo, eval_settings, source_name

REPO = Path(__file__).resolve().parent.parent
OUTPUT = RESULTS / "confidence_candidates.json"
SHIPPED = ["similarity", "coverage"]
ADDED = ["sentence", "title", "sentence_or_title", "gap_v", "bm25_norm", "bm25_gap", "agree_top", "agree5",
         "sentence_coverage"]


def passage_sentences(passages: list, limit: int = 3, most: int = 60, min_chars: int = 20) -> list[str]:
    found: dict[str, None] = {}
    for p in passages[:limit]:
        units = [s for s in sentences(p.text) if len(s) >= min_chars] or ([p.text.strip()] if p.text.strip() else [])
        for s in units:
            found.setdefault(s, None)
    return list(found)[:most]


def share(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    return sum(w for r, w in weights.items() if contains(text.lower(), r)) / total if total > 0 else 0.0


async def candidates(bot: Lorebot, retriever: Retriever, memo: QueryMemo, question: str, source: str,
                     top_k: int) -> dict[str, float]:
    evidence = Evidence()
    passages = await retriever.search(question, [source], top_k, evidence=evidence)
    terms = await question_terms(retriever, normalise(question))
    grams = gram_words(normalise(question))
    stats = await term_stats(retriever.indexes, terms, [source], grams)
    vec = next((h for side, _, h in evidence.runs if side == "vector"), [])
    bm = next((h for side, _, h in evidence.runs if side == "bm25"), [])
    roots = list(dict.fromkeys(stem(t) for t in terms))
    weights = {r: stats.idf(r) for r in roots if r in stats.df}
    query = await memo.embed_query(normalise(question))  # memoised: the search's own embedding
    sents = passage_sentences(passages)
    titles = list(dict.fromkeys(p.title for p in passages[:3] if p.title))
    start = time.perf_counter()
    texts = sents + titles  # uncached: the bot's embeddings cache stays as it was
    cos = (await bot.retriever.embedder.inner.embed_documents(texts)) @ query if texts else np.zeros(0)
    spent = (time.perf_counter() - start) * 1000
    s_cos, t_cos = cos[: len(sents)], cos[len(sents):]
    best = sents[int(np.argmax(s_cos))] if len(s_cos) else ""
    sim = vec[0][1] if vec else 0.0
    f = {
        "similarity": sim, "coverage": coverage(terms, passages, stats, grams),
        "sentence": float(s_cos.max()) if len(s_cos) else 0.0, "title": float(t_cos.max()) if len(t_cos) else 0.0,
        "gap_v": sim - (vec[9][1] if len(vec) > 9 else 0.0),
        "bm25_norm": (bm[0][1] / sum(weights.values())) if bm and weights else 0.0,
        "bm25_gap": (1 - (bm[9][1] if len(bm) > 9 else 0.0) / bm[0][1]) if bm and bm[0][1] > 0 else 0.0,
        "agree_top": float(bool(vec and bm and vec[0][0] == bm[0][0])),
        "agree5": len({d for d, _ in vec[:5]} & {d for d, _ in bm[:5]}) / 5.0,
        "sentence_coverage": share(weights, best), "sentence_ms": spent, "sentences": float(len(sents)),
    }
    f["sentence_or_title"] = max(f["sentence"], f["title"])
    return f


async def collect(sets: dict[str, tuple[Path, str]]) -> dict[str, list[dict]]:
    settings = load_settings(LOREBOT_DATA_DIR=os.environ.get("LOREBOT_DATA_DIR", str(REPO / ".lorebot-bench")))
    bot = await Lorebot.open(eval_settings(settings))
    out: dict[str, list[dict]] = {}
    try:
        for name, (root, split) in sets.items():
            judged = load_judged(root, split)
            answerable, unanswerable, withheld = split_queries(judged, DEFAULT_SEED)
            source = f"{source_name(root)}-withheld-{DEFAULT_SEED}"  # as ingest.evaluation.abstention names it
            with tempfile.TemporaryDirectory() as tmp:
                write_corpus_without(root, withheld, Path(tmp))
                await indexer_for(bot).sync(source, tmp, kind="beir")
            memo = QueryMemo(bot.retriever.embedder)
            retriever = Retriever(bot.retriever.indexes, memo, bot.retriever.config)
            out[name] = [{"qid": q, "answerable": pos, "features": await candidates(
                bot, retriever, memo, judged.queries[q], source, settings.top_k)}
                for q, pos in [(q, True) for q in answerable] + [(q, False) for q in unanswerable]]
            print(name, len(out[name]), "questions", flush=True)
    finally:
        await bot.close()
    return out


def judge(rows: dict[str, list[dict]]) -> dict:
    sets = {n: [Case(r["qid"], r["answerable"], 0.0, r["features"]) for r in rs] for n, rs in rows.items()}
    alone = {f: {n: round(auroc([Case(c.qid, c.answerable, c.features[f], {}) for c in cs]), 3)
                 for n, cs in sets.items()} for f in SHIPPED + ADDED}
    cost = {n: {"sentence_ms_p50": round(float(np.median([c.features["sentence_ms"] for c in cs])), 1),
                "sentences_p50": float(np.median([c.features["sentences"] for c in cs]))} for n, cs in sets.items()}
    trials = [SHIPPED] + [SHIPPED + [f] for f in ADDED] + [SHIPPED + list(p) for p in combinations(
        ["sentence", "gap_v", "bm25_gap", "agree_top", "bm25_norm"], 2)] + [["sentence", "coverage"]]
    combos = {}
    names = list(sets)
    for features in trials:
        row: dict = {f"cv5:{n}": round(auroc(cs), 3) for n, cs in cross_validated(sets, features=features).items()}
        for train, test in ((names[0], names[1]), (names[1], names[0])):
            coef, bias = fit({train: sets[train]}, features)
            row[f"{train}->{test}"] = round(auroc(scored(sets[test], coef, bias, features)), 3)
        combos[" + ".join(features)] = row
        print(" + ".join(features), row, flush=True)
    return {"alone": alone, "cost": cost, "with_shipped": combos}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scifact", type=Path, default=FITTED["scifact"][0])
    parser.add_argument("--from-file", action="store_true", help=f"judge the questions of {OUTPUT.name} again")
    args = parser.parse_args()
    sets = {"scifact" if args.scifact == FITTED["scifact"][0] else "scifact-sample": (args.scifact, "train"),
            "msmarco": FITTED["msmarco"]}
    rows = json.loads(OUTPUT.read_text())["questions"] if args.from_file else asyncio.run(collect(sets))
    result = {"scifact": str(args.scifact), "questions": rows} | judge(rows)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=1) + "\n")
    print("alone:", json.dumps(result["alone"]), "\ncost:", result["cost"], f"\nwritten to {OUTPUT}")


if __name__ == "__main__":
    main()
