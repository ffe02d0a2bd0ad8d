"""Abstention benchmark: how well `confidence` separates questions the documents answer from questions
whose documents were withheld (ingest.evaluation.abstention), on SciFact and MS MARCO, plus the
non-English sets as a check that they do not become all-abstain. Also fits the confidence model.

    python -m bench.abstention [--fit [--write]] [--seed 13] [--scifact DIR]

For each dataset it prints the ROC AUC of the shipped confidence (bot.answering.confidence), and at
LOREBOT_ABSTAIN_THRESHOLD the share of answerable questions answered and of unanswerable ones abstained
on. With --fit it also fits the logistic model's weights on the two datasets together (each weighing the
same) and reports them cross-validated: leave-one-dataset-out (fitted on one, measured on the other) and
5-fold within both (each question scored by a model that did not see it), with the threshold rule's
choice on the cross-validated scores and on the final fit's. --write keeps the fit, with this command,
in bot/answering/confidence_weights.json (the default threshold, bot/settings.py, is set by hand from
"threshold_rule").

Writes bench/results/abstention.json and abstention_roc.png. The corpora are indexed once in
LOREBOT_DATA_DIR (default .lorebot-bench, git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

import numpy as np

from adapters.settings import load_settings
from bench.common import RESULTS, save
from bot.answering.confidence import FEATURES, WEIGHTS_FILE
from bot.answering.confidence import fitted as shipped
from ingest.evaluation.abstention import DEFAULT_SEED, Case, auroc, run_abstention, shares
from ingest.evaluation.dataset import load_judged

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LOREBOT_SHARED_DATA", REPO.parent / "shared" / "data"))
CASES = SHARED.parent / "cases"
FITTED = {"scifact": (SHARED / "scifact-dev", "train"), "msmarco": (SHARED / "msmarco-subset50", "test")}
CHECKED = {"arcd": (SHARED / "arcd-subset50", "test"), "cjk-chinese": (CASES / "cjk-chinese-eval", "test"),
           "cjk-english": (CASES / "cjk-english-eval", "test")}
FOLDS = 5
ANSWERED_AT_LEAST = 0.90  # the threshold rule: the highest at which each fitted dataset answers this share


def matrix(cases: list[Case], features: list[str] = FEATURES) -> tuple[np.ndarray, np.ndarray]:
    return np.array([[c.features[f] for f in features] for c in cases]), np.array([int(c.answerable) for c in cases])


def fit(sets: dict[str, list[Case]], features: list[str] = FEATURES) -> tuple[np.ndarray, float]:
    """Logistic regression on the raw features of `sets` together, each set weighing the same in total
    (L2, C=1 on standardised features, mapped back to raw-feature weights)."""
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    for cases in sets.values():
        x, y = matrix(cases, features)
        xs.append(x)
        ys.append(y)
        ws.append(np.full(len(y), 1.0 / len(y)))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000).fit((x - mu) / sd, y, sample_weight=w * len(y))
    coef = model.coef_[0] / sd
    return coef, float(model.intercept_[0] - (coef * mu).sum())


def scored(cases: list[Case], coef: np.ndarray, bias: float, features: list[str] = FEATURES) -> list[Case]:
    x, _ = matrix(cases, features)
    z = np.clip(x @ coef + bias, -50, 50)
    return [Case(c.qid, c.answerable, float(1 / (1 + np.exp(-v))), c.features) for c, v in zip(cases, z)]


def threshold_rule(sets: dict[str, list[Case]]) -> float:
    """The highest threshold (a multiple of 0.01) at which every set answers ANSWERED_AT_LEAST of its
    answerable questions (the issue's target: answering what the documents cover comes first; a channel
    that wants fewer answers raises its own threshold)."""
    best = 0.0
    for t in np.arange(0.01, 1.0, 0.01):
        if all(shares(cases, float(t))[0] >= ANSWERED_AT_LEAST for cases in sets.values()):
            best = round(float(t), 2)
    return best


def cross_validated(sets: dict[str, list[Case]], folds: int = FOLDS,
                    features: list[str] = FEATURES) -> dict[str, list[Case]]:
    """Every case scored by a model fitted (as `fit`) on the other folds of every set: folds
    stratified by answerability within each set, seeded."""
    from sklearn.model_selection import StratifiedKFold

    split = StratifiedKFold(folds, shuffle=True, random_state=0)
    parts = {name: list(split.split(np.zeros(len(cases)), [c.answerable for c in cases]))
             for name, cases in sets.items()}
    out: dict[str, list[Case | None]] = {name: [None] * len(cases) for name, cases in sets.items()}
    for k in range(folds):
        coef, bias = fit({name: [cases[i] for i in parts[name][k][0]] for name, cases in sets.items()}, features)
        for name, cases in sets.items():
            held = parts[name][k][1]
            for i, case in zip(held, scored([cases[i] for i in held], coef, bias, features)):
                out[name][i] = case
    return {name: [c for c in cases if c is not None] for name, cases in out.items()}


def figures(cases: list[Case], threshold: float) -> dict:
    answered, abstained = shares(cases, threshold)
    return {"auroc": round(auroc(cases), 4), "threshold": threshold, "answered_when_answerable": round(answered, 4),
            "abstained_when_unanswerable": round(abstained, 4)}


def plot(curves: dict[str, list[Case]], threshold: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, cases in curves.items():
        y = [int(c.answerable) for c in cases]
        s = [c.confidence for c in cases]
        fpr, tpr, _ = roc_curve(y, s)
        answered, abstained = shares(cases, threshold)
        line, = ax.plot(fpr, tpr, label=f"{name} (AUROC {auroc(cases):.3f})")
        ax.plot([1 - abstained], [answered], "o", color=line.get_color())
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set_xlabel("unanswerable questions answered (false positive rate)")
    ax.set_ylabel("answerable questions answered (true positive rate)")
    ax.set_title(f"Lorebot confidence: answer or abstain\n(dots: default threshold {threshold:g})")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="fit the confidence model's weights")
    parser.add_argument("--write", action="store_true", help="with --fit: keep the fit in "
                        f"bot/answering/{WEIGHTS_FILE.name}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scifact", type=Path, default=FITTED["scifact"][0],
                        help="the SciFact folder (e.g. a smaller corpus sample on a slow machine)")
    args = parser.parse_args()
    if args.scifact != FITTED["scifact"][0]:  # named apart, so no figure passes for the whole set's
        FITTED.pop("scifact")
        FITTED["scifact-sample"] = (args.scifact, "train")
    settings = load_settings(LOREBOT_DATA_DIR=os.environ.get("LOREBOT_DATA_DIR", str(REPO / ".lorebot-bench")))
    threshold = settings.abstain_threshold
    runs: dict[str, list[Case]] = {}
    for name, (root, split) in {**FITTED, **CHECKED}.items():
        if not root.is_dir():
            print(f"{name}: {root} not found, skipped")
            continue
        _, runs[name] = await run_abstention(settings, root, load_judged(root, split), args.seed)
        print(name, figures(runs[name], threshold), flush=True)
    weights, bias = shipped()
    result: dict = {"seed": args.seed, "weights": {**weights, "bias": bias}, "scifact": str(args.scifact),
                    "datasets": {name: figures(cases, threshold) | {"questions": len(cases)}
                                 for name, cases in runs.items()}}
    fitted = {name: runs[name] for name in FITTED if name in runs}
    if args.fit and len(fitted) == 2:
        a, b = fitted
        cross = {}
        for train, test in ((a, b), (b, a)):  # fitted on one dataset, measured on the other
            coef, bias = fit({train: fitted[train]})
            cross[f"{train}->{test}"] = round(auroc(scored(fitted[test], coef, bias)), 4)
        folded = cross_validated(fitted)
        folded_rule = threshold_rule(folded)
        coef, bias = fit(fitted)
        refit = {name: scored(cases, coef, bias) for name, cases in fitted.items()}
        rule = threshold_rule(refit)
        result["fit"] = {"weights": {f: round(float(c), 3) for f, c in zip(FEATURES, coef)}, "bias": round(bias, 3),
                         "leave_one_dataset_out_auroc": cross, "threshold_rule": rule,
                         f"cross_validated_{FOLDS}_fold": {"threshold_rule": folded_rule} | {
                             name: figures(cases, folded_rule) for name, cases in folded.items()},
                         "in_sample": {name: figures(cases, rule) for name, cases in refit.items()}}
        print("fit:", result["fit"])
        if args.write:
            kept = {"command": "python -m bench.abstention --fit --write", "seed": args.seed,
                    "datasets": {name: len(cases) for name, cases in fitted.items()}} | result["fit"]
            WEIGHTS_FILE.write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")
            print(f"written to {WEIGHTS_FILE}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    plot({n: c for n, c in runs.items() if n in FITTED or n == "arcd"}, threshold, RESULTS / "abstention_roc.png")
    print(f"written to {save('abstention', result)} and {RESULTS / 'abstention_roc.png'}")


if __name__ == "__main__":
    asyncio.run(main())
