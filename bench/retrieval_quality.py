"""Retrieval-quality benchmark: `lorebot eval` on a BEIR dataset (every mode), the short
entity-like query sets made from its titles (bench.short_queries), and what FLOAT16 vectors cost
in nDCG. Writes bench/results/retrieval_quality.json and retrieval_quality.png.

    python -m bench.retrieval_quality [--dataset ../shared/data/scifact-dev] [--split train]

The corpus is indexed once in LOREBOT_DATA_DIR (default .lorebot-bench, git-ignored) and reused:
a rerun embeds only the questions.
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
from bench.short_queries import title_queries
from bot.core import Lorebot
from bot.keys import IndexKeys
from bot.retrieval.retriever import MODES, Retriever
from bot.store.index import Indexes, chunk_schema
from ingest.evaluation.dataset import load_judged
from ingest.evaluation.runner import eval_settings, evaluate, index_corpus, run_eval, source_name

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = Path(os.environ.get("LOREBOT_SHARED_DATA", REPO.parent / "shared" / "data")) / "scifact-dev"


async def float16_copy(bot: Lorebot) -> Indexes:
    """The same chunks in a second index whose vectors are stored as FLOAT16."""
    keys = IndexKeys(bot.indexes.keys.prefix + "-f16", bot.indexes.keys.model_id)
    index = AsyncSearchIndex(chunk_schema(keys, bot.embedder.dims, datatype="float16"), redis_client=bot.redis)
    if not await index.exists():
        await index.create()
        src = bot.indexes.keys.chunk_prefix
        async for key in bot.redis.scan_iter(match=f"{src}:*", count=1000):
            row = await bot.redis.hgetall(key)
            row[b"embedding"] = np.frombuffer(row[b"embedding"], dtype=np.float32).astype(np.float16).tobytes()
            await bot.redis.hset(keys.chunk_prefix + key.decode()[len(src):], mapping=row)
    while int((await index.info())["indexing"]):
        await asyncio.sleep(0.5)
    return Indexes(keys, index, bot.indexes.docs)


async def vector_memory_mb(index: AsyncSearchIndex) -> float:
    return round(float((await index.info())["vector_index_sz_mb"]), 1)


async def extra_sets(settings, root: Path, split: str) -> dict:
    bot = await Lorebot.open(eval_settings(settings))
    try:
        await index_corpus(bot, root)
        source = source_name(root)
        out: dict = {}
        for misspelt in (False, True):
            judged = title_queries(root, 300, misspelt)
            out[judged.split] = await evaluate(bot.retriever, source, judged, list(MODES))
        f16 = Retriever(await float16_copy(bot), bot.retrieval.embedder, bot.retriever.config)
        judged = load_judged(root, split)
        out["float16"] = {
            "modes": await evaluate(f16, source, judged, ["vector", bot.retriever.config.mode]),
            "vector_index_mb": {"float32": await vector_memory_mb(bot.indexes.chunks),
                                "float16": await vector_memory_mb(f16.indexes.chunks)},
        }
        return out
    finally:
        await bot.close()


def plot(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = list(figures["main"]["modes"])
    sets = [("main", figures["dataset"]), ("title", "title keywords"), ("title-misspelt", "misspelt title keywords")]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), sharey=False)
    for ax, (key, label) in zip(axes, sets):
        data = figures["main"]["modes"] if key == "main" else figures[key]
        values = [data[m]["ndcg@10"] for m in modes]
        colours = ["tab:orange" if m == figures["main"]["default"] else "tab:blue" for m in modes]
        ax.barh(modes, values, color=colours)
        ax.invert_yaxis()
        ax.set_xlim(min(values) * 0.9, max(values) * 1.03)
        ax.set_title(f"nDCG@10: {label}")
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:.3f}", va="center", fontsize=8)
    fig.suptitle("Lorebot retrieval modes (orange: the default)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


async def run(root: Path, split: str) -> dict:
    settings = load_settings(_env_file=None, LOREBOT_DATA_DIR=os.environ.get("LOREBOT_DATA_DIR", ".lorebot-bench"))
    started = time.perf_counter()
    main_result = await run_eval(settings, root, load_judged(root, split))
    figures = {"dataset": f"{root.name} ({split})", "main": main_result, **await extra_sets(settings, root, split)}
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--split", default="train")
    args = parser.parse_args()
    figures = asyncio.run(run(args.dataset, args.split))
    for name, result in [("main", figures["main"]["modes"]), ("title", figures["title"]),
                         ("title-misspelt", figures["title-misspelt"]), ("float16", figures["float16"]["modes"])]:
        print(f"== {name}")
        for mode, f in result.items():
            print(f"  {mode:14} nDCG@10 {f['ndcg@10']:.4f}  recall@100 {f['recall@100']:.4f}")
    print("vector index MB:", figures["float16"]["vector_index_mb"])
    plot(figures, RESULTS / "retrieval_quality.png")
    print(f"written to {save('retrieval_quality', figures)} and {RESULTS / 'retrieval_quality.png'}")


if __name__ == "__main__":
    main()
