"""Ingest benchmark: full ingest of a generated export, re-sync with nothing changed, re-sync with 1%
of pages edited, and the pipeline's chunks/s against the embedder's raw encode throughput.

    python -m bench.ingest_speed [--pages 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path

from adapters.settings import load_settings
from bench.common import report, scratch_redis
from bot.core import Lorebot
from ingest.chunker import Chunker
from ingest.context import indexer_for
from ingest.export import Export
from ingest.indexer import BATCH_CHUNKS
from ingest.readers import read_export

WORDS = ("redis index vector search channel thread answer source export page team deploy config token "
         "schedule memory citation model retrieval chunk heading table slack discord sync admin user "
         "cluster replica latency backup restore upgrade policy access review incident runbook").split()


def generate(root: Path, pages: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    for i in range(pages):
        folder = root / f"space-{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        sections = []
        for s in range(rnd.randint(1, 3)):
            words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 90)))
            sections.append(f"## Section {s}\n\nPage {i} section {s}: {words}.")
        (folder / f"page-{i:05d}.md").write_text(f"# Page {i}\n\n" + "\n\n".join(sections) + "\n")


def edit(root: Path, fraction: float) -> int:
    files = sorted(root.rglob("*.md"))
    chosen = files[:: max(1, int(1 / fraction))]
    for f in chosen:
        f.write_text(f.read_text() + "\nEdited paragraph for the benchmark.\n")
    return len(chosen)


async def run(pages: int) -> dict:
    with scratch_redis() as (url, tmp):
        export = tmp / "export"
        generate(export, pages)
        settings = load_settings(_env_file=None, REDIS_URL=url, LOREBOT_DATA_DIR=str(tmp / "data"))
        bot = await Lorebot.open(settings)
        try:
            inner = bot.embedder.inner
            await inner.prepare()
            with Export(export) as ex:
                docs = [d for d in read_export(ex) if hasattr(d, "text")]
            chunker = Chunker(inner.count_tokens, inner.max_tokens)
            texts = [c.embed_text for d in docs for c in chunker.chunk(d.title, d.text)]

            async def raw_encode() -> float:
                # The model alone on the same chunks, in the pipeline's batch size.
                t = time.perf_counter()
                for i in range(0, len(texts), BATCH_CHUNKS):
                    await inner.embed_documents(texts[i : i + BATCH_CHUNKS])
                return time.perf_counter() - t

            # Measured before and after the ingest, so a change in machine load does not favour either.
            before = await raw_encode()
            full = await indexer_for(bot).sync("bench", export)
            raw = (before + await raw_encode()) / 2
            unchanged = await indexer_for(bot).sync("bench", export)
            edited_pages = edit(export, 0.01)
            edited = await indexer_for(bot).sync("bench", export)
        finally:
            await bot.close()
    return {
        "pages": pages,
        "chunks": len(texts),
        "raw_encode_chunks_per_s": round(len(texts) / raw, 2),
        "full_ingest_s": round(full.seconds, 2),
        "pipeline_chunks_per_s": round(full.chunks_embedded / full.seconds, 2),
        "pipeline_vs_raw": round((full.chunks_embedded / full.seconds) / (len(texts) / raw), 3),
        "resync_unchanged_s": round(unchanged.seconds, 2),
        "resync_unchanged_chunks_embedded": unchanged.chunks_embedded,
        "resync_unchanged_vs_full": round(unchanged.seconds / full.seconds, 4),
        "edited_pages": edited_pages,
        "resync_edited_changed": edited.changed,
        "resync_edited_chunks_embedded": edited.chunks_embedded,
        "resync_edited_s": round(edited.seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.pages))
    report("ingest_speed", figures)


if __name__ == "__main__":
    main()
