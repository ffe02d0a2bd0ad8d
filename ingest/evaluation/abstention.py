"""Measuring abstention: does `confidence` tell questions the documents answer from those they do not?

Unanswerable questions are made from any BEIR dataset: a seeded random half of the judged queries has
its relevant documents withheld. The corpus without them is indexed as a source of its own (texts
come from the embeddings cache, so nothing is embedded twice), and every query is asked against that
source, as a channel would ask its documents. The other half stays answerable (a query of that half
whose every relevant document was also relevant to a withheld one is left out: it is neither).

Figures: the ROC AUC of confidence separating answerable (positive) from unanswerable questions, and
at a threshold the share of answerable questions answered (confidence >= threshold) and of
unanswerable ones abstained on.
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import roc_auc_score

from bot.answering.confidence import assess
from bot.core import Lorebot
from bot.retrieval.retriever import Retriever
from ingest.context import indexer_for
from ingest.evaluation.dataset import Judged
from ingest.evaluation.runner import CONCURRENCY, EvaluationError, Progress, QueryMemo, source_name
from ingest.readers.beir import CORPUS, QUERIES
from ingest.settings import IngestSettings

DEFAULT_SEED = 13


@dataclass(frozen=True)
class Case:
    """One question asked: its id, whether its documents were left in, and how sure Lorebot was."""

    qid: str
    answerable: bool
    confidence: float
    features: dict[str, float]


def split_queries(judged: Judged, seed: int) -> tuple[list[str], list[str], set[str]]:
    """(answerable query ids, unanswerable query ids, withheld document ids) for `seed`."""
    qids = sorted(judged.qrels)
    random.Random(seed).shuffle(qids)
    withheld_q = set(qids[: len(qids) // 2])
    withheld = {d for q in withheld_q for d, g in judged.qrels[q].items() if g > 0}
    answerable = [q for q in qids[len(qids) // 2:]
                  if any(g > 0 and d not in withheld for d, g in judged.qrels[q].items())]
    return sorted(answerable), sorted(withheld_q), withheld


def write_corpus_without(root: Path, withheld: set[str], target: Path) -> int:
    """A copy of the dataset at `target` whose corpus lacks the `withheld` documents; their number."""
    kept = 0
    with (root / CORPUS).open(encoding="utf-8") as src, (target / CORPUS).open("w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            try:
                doc_id = str(json.loads(line).get("_id"))
            except (ValueError, AttributeError):  # not a document: skipped (and counted) when the dataset was loaded
                continue
            if doc_id in withheld:
                continue
            dst.write(line if line.endswith("\n") else line + "\n")
            kept += 1
    (target / QUERIES).write_bytes((root / QUERIES).read_bytes())
    return kept


def shares(cases: list[Case], threshold: float) -> tuple[float, float]:
    """(answerable answered, unanswerable abstained) at `threshold`."""
    pos = [c.confidence for c in cases if c.answerable]
    neg = [c.confidence for c in cases if not c.answerable]
    answered = sum(c >= threshold for c in pos) / len(pos) if pos else 0.0
    abstained = sum(c < threshold for c in neg) / len(neg) if neg else 0.0
    return answered, abstained


def auroc(cases: list[Case]) -> float:
    labels = [int(c.answerable) for c in cases]
    if len(set(labels)) < 2:
        raise EvaluationError("abstention needs both answerable and unanswerable questions")
    return float(roc_auc_score(labels, [c.confidence for c in cases]))


async def ask_all(retriever: Retriever, judged: Judged, source: str, answerable: list[str],
                  unanswerable: list[str], top_k: int, progress: Progress | None = None) -> list[Case]:
    """Every query asked against `source`, judged as the core judges an answer."""
    gate = asyncio.Semaphore(CONCURRENCY)
    total, done = len(answerable) + len(unanswerable), 0

    async def one(qid: str, positive: bool) -> Case:
        nonlocal done
        async with gate:
            judged_answer = await assess(retriever, judged.queries[qid], [source], top_k)
        done += 1
        if progress:
            progress("query", done, total)
        return Case(qid, positive, judged_answer.confidence, judged_answer.features.as_dict())

    return list(await asyncio.gather(*(one(q, True) for q in answerable), *(one(q, False) for q in unanswerable)))


async def run_abstention(settings: IngestSettings, root: Path, judged: Judged, seed: int = DEFAULT_SEED,
                         progress: Progress | None = None, bot: Lorebot | None = None) -> tuple[dict, list[Case]]:
    """The `"abstention"` figures at LOREBOT_ABSTAIN_THRESHOLD, and every case (for benchmarks). Opens
    its own Lorebot on the evaluation prefix unless `bot` is given (and then leaves it open)."""
    from ingest.evaluation.runner import eval_settings

    own = bot is None
    bot = bot or await Lorebot.open(eval_settings(settings))
    try:
        answerable, unanswerable, withheld = split_queries(judged, seed)
        source = f"{source_name(root)}-withheld-{seed}"
        with tempfile.TemporaryDirectory(prefix="lorebot-abstention-") as tmp:
            write_corpus_without(Path(root), withheld, Path(tmp))
            report = await indexer_for(bot).sync(source, tmp, kind="beir", progress=progress)
        if report.error:
            raise EvaluationError(f"cannot index {root} without the withheld documents: {report.error}")
        retriever = Retriever(bot.retriever.indexes, QueryMemo(bot.retriever.embedder), bot.retriever.config)
        cases = await ask_all(retriever, judged, source, answerable, unanswerable, settings.top_k, progress)
    finally:
        if own:
            await bot.close()
    threshold = settings.abstain_threshold
    answered, abstained = shares(cases, threshold)
    figures = {
        "auroc": round(auroc(cases), 4),
        "threshold": threshold,
        "answered_when_answerable": round(answered, 4),
        "abstained_when_unanswerable": round(abstained, 4),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "withheld_docs": len(withheld),
        "seed": seed,
    }
    return figures, cases
