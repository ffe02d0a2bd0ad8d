"""Fitting and comparing fusions on every evaluation set at once (offline, from the candidate lists
bench.fusion_candidates wrote).

Each fusion is scored by nDCG@10 per set. The learned fusion (bot.retrieval.fusion.learned) is a
logistic regression over per-candidate features (bot.retrieval.fusion.FEATURES); it is judged
leave-one-set-out (fitted on every other set, scored on the one left out; sets made from the same
corpus are left out together), so no figure comes from a set the weights saw. The weights fitted on
every set are written to bot/retrieval/fusion_weights.json with this command:

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
    names = list(sets)
    print(f"{'fusion':34}" + "".join(f"{n[:14]:>15}" for n in names))
    for fusion, row in table.items():
        print(f"{fusion:34}" + "".join(f"{row[n]:>15.4f}" for n in names))
    print("features:", FEATURES)
    print("weights (all sets):", weights)
    save("fusion_fit", {"ndcg@10": table, "features": FEATURES, "weights": weights})
    if args.write:
        Path(WEIGHTS_FILE).write_text(json.dumps({
            "command": "python -m bench.fusion_candidates && python -m bench.fusion_fit --write",
            "sets": names, "features": FEATURES, "weights": weights}, indent=2) + "\n")
        print("written to", WEIGHTS_FILE)


if __name__ == "__main__":
    main()
