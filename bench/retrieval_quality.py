"""Retrieval-quality benchmark: `lorebot eval` on every evaluation set (bench.datasets: SciFact dev,
its title-keyword sets, MS MARCO subset, ARCD Arabic subset, the Chinese and English expense pages),
every retrieval mode. Writes bench/results/retrieval_quality.json and retrieval_quality.png (nDCG@10,
datasets x modes).

    python -m bench.retrieval_quality [--sets scifact,arcd] [--all-modes] [--float16]

Each corpus is indexed once in LOREBOT_DATA_DIR (default .lorebot-bench, git-ignored) and reused: a
rerun embeds only the questions. --float16 also measures SciFact with FLOAT16 vectors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

import numpy as np
from redisvl.index import AsyncSearchIndex

from adapters.settings import load_settings
from bench.common import RESULTS, save
from bench.datasets import EVAL_SETS
from bench.fusion_candidates import judged_of
from bot.core import Lorebot
from bot.keys import IndexKeys
from bot.retrieval.retriever import MODES, Retriever
from bot.store.index import Indexes, chunk_schema, create_index
from ingest.evaluation.runner import eval_settings, evaluate, index_corpus, source_name, written_retriever

PLOTTED = ["vector", "bm25", "rrf", "convex-tuned", "hybrid"]


async def float16_copy(bot: Lorebot, indexes: Indexes) -> Indexes:
    """The same chunks in a second index whose vectors are stored as FLOAT16."""
    keys = IndexKeys(indexes.keys.prefix + "-f16", indexes.keys.model_id)
    index = AsyncSearchIndex(chunk_schema(keys, bot.embedder.dims, datatype="float16"), redis_client=bot.redis)
    if not await index.exists():
        await create_index(index)
        src = indexes.keys.chunk_prefix
        async for key in bot.redis.scan_iter(match=f"{src}:*", count=1000):
            row = await bot.redis.hgetall(key)
            row[b"embedding"] = np.frombuffer(row[b"embedding"], dtype=np.float32).astype(np.float16).tobytes()
            await bot.redis.hset(keys.chunk_prefix + key.decode()[len(src):], mapping=row)
    while int((await index.info())["indexing"]):
        await asyncio.sleep(0.5)
    return Indexes(keys, index, indexes.docs)


async def vector_memory_mb(index: AsyncSearchIndex) -> float:
    return round(float((await index.info())["vector_index_sz_mb"]), 1)


async def measure(settings, names: list[str] | None, modes: list[str], float16: bool) -> dict:
    figures: dict = {"default": "hybrid", "sets": {}}
    for spec in EVAL_SETS:
        if (names and spec.name not in names) or not spec.present:
            continue
        judged = judged_of(spec)
        bot = await Lorebot.open(eval_settings(settings))
        try:
            await index_corpus(bot, spec.path)
            source = source_name(spec.path)
            retriever = written_retriever(bot)
            figures["sets"][spec.name] = {
                "path": str(spec.path.relative_to(spec.path.parent.parent.parent)), "split": spec.split,
                "queries": len(judged.queries),
                "modes": await evaluate(retriever, source, judged, modes),
            }
            if float16 and spec.name == "scifact":
                f16 = Retriever(await float16_copy(bot, retriever.indexes), retriever.embedder, retriever.config)
                figures["float16"] = {
                    "modes": await evaluate(f16, source, judged, ["vector", "hybrid"]),
                    "vector_index_mb": {"float32": await vector_memory_mb(retriever.indexes.chunks),
                                        "float16": await vector_memory_mb(f16.indexes.chunks)},
                }
        finally:
            await bot.close()
        print(spec.name, {m: f["ndcg@10"] for m, f in figures["sets"][spec.name]["modes"].items()}, flush=True)
    return figures


def plot(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = list(figures["sets"])
    fig, ax = plt.subplots(figsize=(max(8, 1.9 * len(sets)), 4.8))
    width = 0.8 / len(PLOTTED)
    colours = {"hybrid": "tab:orange", "vector": "tab:blue", "bm25": "tab:green", "rrf": "tab:gray",
               "convex-tuned": "tab:purple"}
    for i, mode in enumerate(PLOTTED):
        values = [figures["sets"][s]["modes"][mode]["ndcg@10"] for s in sets]
        xs = [x + (i - (len(PLOTTED) - 1) / 2) * width for x in range(len(sets))]
        ax.bar(xs, values, width, label=mode + (" (default)" if mode == figures["default"] else ""),
               color=colours.get(mode))
        for x, v in zip(xs, values):
            ax.text(x, v + 0.01, f"{v:.2f}", ha="center", fontsize=6, rotation=90)
    ax.set_xticks(range(len(sets)), sets, fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("nDCG@10")
    ax.set_title("Lorebot retrieval: every dataset x mode (local all-MiniLM-L6-v2)")
    ax.legend(fontsize=8, ncol=len(PLOTTED), loc="upper center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="", help="comma-separated names from bench.datasets (default: all)")
    parser.add_argument("--all-modes", action="store_true", help=f"every mode, not only {', '.join(PLOTTED)}")
    parser.add_argument("--float16", action="store_true")
    args = parser.parse_args()
    settings = load_settings(_env_file=None, LOREBOT_DATA_DIR=os.environ.get("LOREBOT_DATA_DIR", ".lorebot-bench"))
    started = time.perf_counter()
    modes = list(MODES) if args.all_modes else PLOTTED
    figures = asyncio.run(measure(settings, [n for n in args.sets.split(",") if n] or None, modes, args.float16))
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{'mode':14}" + "".join(f"{s[:16]:>17}" for s in figures["sets"]))
    for mode in modes:
        print(f"{mode:14}" + "".join(f"{f['modes'][mode]['ndcg@10']:>17.4f}" for f in figures["sets"].values()))
    plot(figures, RESULTS / "retrieval_quality.png")
    print(f"written to {save('retrieval_quality', figures)} and {RESULTS / 'retrieval_quality.png'}")


if __name__ == "__main__":
    main()
