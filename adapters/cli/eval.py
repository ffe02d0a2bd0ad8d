"""`lorebot eval DATASET_DIR [--split NAME] [--mode MODE] [--abstention [--seed N]] [--json]`: retrieval
quality on a BEIR-format dataset, through the bot's own ingest, index and retrieval; with `--abstention`,
also how well confidence separates questions the documents answer from those they do not
(ingest.evaluation.abstention)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table


def eval_command(
    dataset: Annotated[Path, typer.Argument(
        help="A BEIR-format dataset folder (corpus.jsonl, queries.jsonl, qrels/).")],
    split: Annotated[str, typer.Option(help="The qrels split: qrels/SPLIT.tsv.")] = "test",
    mode: Annotated[str | None, typer.Option(help="Evaluate one retrieval mode only (default: every mode).")] = None,
    abstention: Annotated[bool, typer.Option(
        "--abstention", help="Also withhold the documents of a random half of the queries and measure how "
        "well confidence tells the two halves apart.")] = False,
    seed: Annotated[int, typer.Option(help="Which random half is withheld (--abstention).")] = 13,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """nDCG@10 and recall@100 of each retrieval mode on a BEIR dataset (the corpus is indexed once
    under a separate key prefix; reruns re-embed nothing); with --abstention, the ROC AUC of confidence
    and, at LOREBOT_ABSTAIN_THRESHOLD, the share of answerable questions answered and of unanswerable
    ones abstained on."""
    from adapters.cli.app import err, out, run, settings
    from adapters.cli.ingest_output import progress_bar
    from ingest.evaluation.abstention import run_abstention
    from ingest.evaluation.dataset import DatasetError, load_judged
    from ingest.evaluation.runner import EvaluationError, run_eval

    s = settings()
    try:
        judged = load_judged(dataset, split)
    except DatasetError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None

    async def measure(progress=None) -> dict:
        result = await run_eval(s, dataset, judged, [mode] if mode else None, progress)
        if abstention:
            result["abstention"], _ = await run_abstention(s, dataset, judged, seed, progress)
        return result

    async def go():
        if as_json:
            return await measure()
        with progress_bar(err) as bar:
            task = bar.add_task("indexing the corpus", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                label = "indexing the corpus" if stage == "embed" else "querying"
                bar.update(task, description=label, completed=done, total=total)

            return await measure(progress)

    try:
        result = run(go)
    except (EvaluationError, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    if as_json:
        out.print_json(json.dumps(result))
    else:
        print_table(out, result)
        for line in judged.bad_data.lines():  # bad data is never passed over silently
            err.print(f"[yellow]bad data:[/yellow] {escape(line)}", soft_wrap=True)


def print_table(console: Console, result: dict) -> None:
    table = Table(title=f"{result['queries']} queries, {result['docs']} documents")
    table.add_column("mode")
    table.add_column("nDCG@10", justify="right")
    table.add_column("recall@100", justify="right")
    for name, figures in result["modes"].items():
        label = f"{name} (default)" if name == result["default"] else name
        table.add_row(label, f"{figures['ndcg@10']:.3f}", f"{figures['recall@100']:.3f}")
    console.print(table)
    if "abstention" in result:
        a = result["abstention"]
        console.print(
            f"abstention ({a['answerable']} answerable, {a['unanswerable']} unanswerable questions, seed {a['seed']}): "
            f"ROC AUC {a['auroc']:.3f}; at threshold {a['threshold']:g}, {a['answered_when_answerable']:.1%} of "
            f"answerable answered, {a['abstained_when_unanswerable']:.1%} of unanswerable abstained")
