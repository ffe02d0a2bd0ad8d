"""Abstention benchmark: how well `confidence` separates questions the documents answer from questions
whose documents were withheld (ingest.evaluation.abstention), on SciFact and MS MARCO, plus the
non-English sets as a check that they do not become all-abstain. Also fits the confidence model.

    python -m bench.abstention [--fit] [--seed 13] [--scifact DIR]

For each dataset it prints the ROC AUC of the shipped confidence (bot.answering.confidence), and at
LOREBOT_ABSTAIN_THRESHOLD the share of answerable questions answered and of unanswerable ones abstained
on. With --fit it also fits the logistic model's weights on the two datasets together (each weighing the
same), reports them cross-validated across the datasets (fitted on one, measured on the other) and the
threshold rule's choice, for copying into bot/answering/confidence.py and bot/settings.py.

Writes bench/results/abstention.json and abstention_roc.png. The corpora are indexed once in
LOREBOT_DATA_DIR (default .lorebot-bench, git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

import numpy as np

from adapters.settings import load_settings
from bench.common import RESULTS, save
from bot.answering.confidence import BIAS, WEIGHTS
from ingest.evaluation.abstention import DEFAULT_SEED, Case, auroc, run_abstention, shares
from ingest.evaluation.dataset import load_judged

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LOREBOT_SHARED_DATA", REPO.parent / "shared" / "data"))
CASES = SHARED.parent / "cases"
FITTED = {"scifact": (SHARED / "scifact-dev", "train"), "msmarco": (SHARED / "msmarco-subset50", "test")}
CHECKED = {"arcd": (SHARED / "arcd-subset50", "test"), "cjk-chinese": (CASES / "cjk-chinese-eval", "test"),
           "cjk-english": (CASES / "cjk-english-eval", "test")}
FEATURES = list(WEIGHTS)
ANSWERED_AT_LEAST = 0.90  # the threshold rule: the highest at which each fitted dataset answers this share


def matrix(cases: list[Case]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([[c.features[f] for f in FEATURES] for c in cases]), np.array([int(c.answerable) for c in cases])


def fit(sets: dict[str, list[Case]]) -> tuple[np.ndarray, float]:
    """Logistic regression on the raw features of `sets` together, each set weighing the same in total
    (L2, C=1 on standardised features, mapped back to raw-feature weights)."""
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    for cases in sets.values():
        x, y = matrix(cases)
        xs.append(x)
        ys.append(y)
        ws.append(np.full(len(y), 1.0 / len(y)))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000).fit((x - mu) / sd, y, sample_weight=w * len(y))
    coef = model.coef_[0] / sd
    return coef, float(model.intercept_[0] - (coef * mu).sum())


def scored(cases: list[Case], coef: np.ndarray, bias: float) -> list[Case]:
    x, _ = matrix(cases)
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
    result: dict = {"seed": args.seed, "weights": {**WEIGHTS, "bias": BIAS}, "scifact": str(args.scifact),
                    "datasets": {name: figures(cases, threshold) | {"questions": len(cases)}
                                 for name, cases in runs.items()}}
    fitted = {name: runs[name] for name in FITTED if name in runs}
    if args.fit and len(fitted) == 2:
        a, b = fitted
        cross = {}
        for train, test in ((a, b), (b, a)):  # fitted on one dataset, measured on the other
            coef, bias = fit({train: fitted[train]})
            cross[f"{train}->{test}"] = round(auroc(scored(fitted[test], coef, bias)), 4)
        coef, bias = fit(fitted)
        refit = {name: scored(cases, coef, bias) for name, cases in fitted.items()}
        rule = threshold_rule(refit)
        result["fit"] = {"weights": {f: round(float(c), 3) for f, c in zip(FEATURES, coef)}, "bias": round(bias, 3),
                         "cross_dataset_auroc": cross, "threshold_rule": rule,
                         "in_sample": {name: figures(cases, rule) for name, cases in refit.items()}}
        print("fit:", result["fit"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    plot({n: c for n, c in runs.items() if n in FITTED or n == "arcd"}, threshold, RESULTS / "abstention_roc.png")
    print(f"written to {save('abstention', result)} and {RESULTS / 'abstention_roc.png'}")


if __name__ == "__main__":
    asyncio.run(main())
