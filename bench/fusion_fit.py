"""Fitting and comparing fusions on every evaluation set at once (offline, from the candidate lists
bench.fusion_candidates wrote).

Each fusion is scored by nDCG@10 per set. Two fitted ones, each judged leave-one-corpus-out (fitted
on every other set, scored on the one left out; the sets made from SciFact are left out together),
so no figure in the table comes from a set its parameters saw:
- adaptive (bot.retrieval.fusion.adaptive): normalised scores weighted per question by each side's
  score gap; its three parameters are searched on a grid for the best mean nDCG@10 over the sets
  (each set counting the same);
- learned (bot.retrieval.fusion.learned): a logistic regression over per-candidate features
  (bot.retrieval.fusion.FEATURES).
What was fitted on every set is written to bot/retrieval/fusion_weights.json with this command:

    python -m bench.fusion_fit [--write]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.common import save
from bench.fusion_candidates import output_path
from bot.retrieval.fusion import (
    FEATURES,
    WEIGHTS_FILE,
    Ranked,
    _gap,
    _normalised,
    adaptive,
    feature_rows,
    learned,
    normalised_sum,
    reciprocal_rank,
)
from ingest.evaluation.metrics import mean, ndcg_at_k

Fusion = Callable[[Ranked, Ranked], dict[str, float]]
CORPUS = {"scifact": "scifact", "scifact-titles": "scifact", "scifact-titles-misspelt": "scifact"}


def ranked(entry: dict, side: str, weight: float = 1.0) -> Ranked:
    pairs = entry[side]
    return Ranked(weight, [d for d, _ in pairs], [s for _, s in pairs])


def ndcg(entries: dict, fuse: Fusion) -> float:
    scores = []
    for entry in entries.values():
        fused = fuse(ranked(entry, "vector"), ranked(entry, "bm25"))
        order = sorted(fused, key=lambda k: -fused[k])
        scores.append(ndcg_at_k(order, entry["qrels"], 10))
    return round(mean(scores), 4)


def ndcg_with(entries: dict, fuse: Callable[[Ranked, Ranked, dict], dict[str, float]]) -> float:
    """ndcg() for a fusion that also reads the question's entry (its coverage)."""
    scores = []
    for entry in entries.values():
        fused = fuse(ranked(entry, "vector"), ranked(entry, "bm25"), entry)
        order = sorted(fused, key=lambda k: -fused[k])
        scores.append(ndcg_at_k(order, entry["qrels"], 10))
    return round(mean(scores), 4)


def design(entries: dict) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for entry in entries.values():
        keys, x = feature_rows(ranked(entry, "vector"), ranked(entry, "bm25"))
        rows.append(x)
        labels.extend(1 if entry["qrels"].get(k, 0) > 0 else 0 for k in keys)
    return np.vstack(rows), np.asarray(labels)


def fit(sets: dict[str, dict], c: float = 1.0) -> list[float]:
    """Logistic-regression weights over FEATURES, each set weighing the same in total."""
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    for entries in sets.values():
        x, y = design(entries)
        xs.append(x)
        ys.append(y)
        ws.append(np.full(len(y), 1.0 / max(1, len(y))))
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(np.vstack(xs), np.concatenate(ys), sample_weight=np.concatenate(ws) * 1000)
    return [round(float(w), 4) for w in model.coef_[0]]


GRID = [(cv, cb, alpha, k) for cv in np.arange(0.03, 0.61, 0.03) for cb in np.arange(0.1, 1.51, 0.1)
        for alpha in (0.0, 0.25, 0.5, 0.75, 1.0) for k in (10.0, 60.0)]


_EMBEDDER = None


def coverage(entry: dict) -> float:
    """The local model's vocabulary coverage of the question (Embedder.vocabulary_coverage)."""
    global _EMBEDDER
    if "coverage" not in entry:
        if _EMBEDDER is None:
            from bot.retrieval.embedder import LocalEmbedder

            _EMBEDDER = LocalEmbedder()
        entry["coverage"] = _EMBEDDER.vocabulary_coverage(entry["text"])
    return float(entry["coverage"])


FORMULA = ("sum over sides of w * (alpha * minmax(score) + (1 - alpha) * (k + 1) / (k + rank)), "
           "w_vector = min(1, gap_v / c_v) * coverage, w_bm25 = min(1, gap_b / c_b); params = [c_v, c_b, alpha, k]")


def grid_ndcg(entries: dict) -> np.ndarray:
    """nDCG@10 of the adaptive fusion on `entries` for every GRID point (vectorised per question)."""
    params = np.asarray(GRID)
    total = np.zeros(len(GRID))
    for entry in entries.values():
        v, b = ranked(entry, "vector"), ranked(entry, "bm25")
        keys = list(dict.fromkeys([*v.keys, *b.keys]))
        nv, nb = _normalised(v), _normalised(b)
        rv, rb = {k: r for r, k in enumerate(v.keys, 1)}, {k: r for r, k in enumerate(b.keys, 1)}
        xv = np.array([nv.get(k, 0.0) for k in keys])
        xb = np.array([nb.get(k, 0.0) for k in keys])
        a, kk = params[:, 2:3], params[:, 3:4]
        inv, inb = np.array([k in nv for k in keys]), np.array([k in nb for k in keys])
        rank_v = np.array([rv.get(k, 1e9) for k in keys])[None, :]
        rank_b = np.array([rb.get(k, 1e9) for k in keys])[None, :]
        bv = np.where(inv[None, :], a * xv[None, :] + (1 - a) * (kk + 1) / (kk + rank_v), 0.0)
        bb = np.where(inb[None, :], a * xb[None, :] + (1 - a) * (kk + 1) / (kk + rank_b), 0.0)
        gains = np.array([max(entry["qrels"].get(k, 0), 0) for k in keys], dtype=float)
        ideal = sorted((g for g in entry["qrels"].values() if g > 0), reverse=True)[:10]
        idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
        if not keys or idcg == 0:
            continue
        wv = np.minimum(1.0, _gap(v.scores, False) / params[:, 0]) * coverage(entry) if v.keys else np.zeros(len(GRID))
        wb = np.minimum(1.0, _gap(b.scores, True) / params[:, 1]) if b.keys else np.zeros(len(GRID))
        none = (wv + wb) == 0
        wv, wb = np.where(none, 0.5, wv), np.where(none, 0.5, wb)
        fused = wv[:, None] * bv + wb[:, None] * bb
        # Ties broken by key order (vector candidates first), as a stable sort does online.
        order = np.argsort(-fused, axis=1, kind="stable")[:, :10]
        discounts = 1.0 / np.log2(np.arange(2, 2 + order.shape[1]))
        total += (gains[order] * discounts).sum(axis=1) / idcg
    return total / max(1, len(entries))


def best_params(per_set: dict[str, np.ndarray], names: list[str]) -> tuple[float, ...]:
    mean = np.mean([per_set[n] for n in names], axis=0)
    return tuple(round(float(x), 3) for x in GRID[int(np.argmax(mean))])


def fixed(name: str) -> Fusion:
    return {
        "vector": lambda v, b: normalised_sum([v]),
        "bm25": lambda v, b: normalised_sum([b]),
        "rrf": lambda v, b: reciprocal_rank([v, b]),
        "convex 0.4/0.6 (old hybrid)": lambda v, b: normalised_sum([Ranked(0.4, v.keys, v.scores),
                                                                    Ranked(0.6, b.keys, b.scores)]),
        "convex 0.5/0.5": lambda v, b: normalised_sum([Ranked(0.5, v.keys, v.scores),
                                                       Ranked(0.5, b.keys, b.scores)]),
        # Hand-made confidence weights: each side's weight grows with its score gap up to a cap.
        "convex x gap confidence": lambda v, b: normalised_sum([
            Ranked(min(1.0, _gap(v.scores, False) / 0.3), v.keys, v.scores),
            Ranked(min(1.0, _gap(b.scores, True) / 0.6), b.keys, b.scores)]),
    }[name]


FIXED = ["vector", "bm25", "rrf", "convex 0.4/0.6 (old hybrid)", "convex 0.5/0.5", "convex x gap confidence"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write the weights fitted on every set to {WEIGHTS_FILE}")
    args = parser.parse_args()
    sets: dict[str, dict] = json.loads(output_path().read_text())
    table: dict[str, dict[str, float]] = {name: {s: ndcg(e, fixed(name)) for s, e in sets.items()} for name in FIXED}
    held_out: dict[str, float] = {}
    for name, entries in sets.items():
        group = CORPUS.get(name, name)
        weights = fit({s: e for s, e in sets.items() if CORPUS.get(s, s) != group})
        held_out[name] = ndcg(entries, lambda v, b, w=weights: learned(v, b, w))
    table["learned (leave-one-corpus-out)"] = held_out
    weights = fit(sets)
    table["learned (fitted on all)"] = {s: ndcg(e, lambda v, b: learned(v, b, weights)) for s, e in sets.items()}
    per_set = {name: grid_ndcg(entries) for name, entries in sets.items()}
    held: dict[str, float] = {}
    for name, entries in sets.items():
        group = CORPUS.get(name, name)
        p = best_params(per_set, [s for s in sets if CORPUS.get(s, s) != group])
        held[name] = ndcg_with(entries, lambda v, b, e, p=p: adaptive(v, b, p, coverage(e)))
    table["adaptive (leave-one-corpus-out)"] = held
    params = best_params(per_set, list(sets))
    table["adaptive (fitted on all)"] = {s: ndcg_with(e, lambda v, b, q: adaptive(v, b, params, coverage(q)))
                                         for s, e in sets.items()}
    names = list(sets)
    print(f"{'fusion':34}" + "".join(f"{n[:14]:>15}" for n in names))
    for fusion, row in table.items():
        print(f"{fusion:34}" + "".join(f"{row[n]:>15.4f}" for n in names))
    print("features:", FEATURES)
    print("weights (all sets):", weights)
    print("adaptive params (all sets):", params)
    save("fusion_fit", {"ndcg@10": table, "features": FEATURES, "weights": weights, "adaptive_params": params})
    if args.write:
        Path(WEIGHTS_FILE).write_text(json.dumps({
            "command": "python -m bench.fusion_candidates && python -m bench.fusion_fit --write",
            "sets": names, "features": FEATURES, "weights": weights,
            "adaptive": {"formula": FORMULA,
                         "params": params}}, indent=2) + "\n")
        print("written to", WEIGHTS_FILE)


if __name__ == "__main__":
    main()
