"""The filtered KNN on the real index: whichever way RediSearch is told to run it (walking the
graph for a large share of the chunks, brute force for a small one), it finds exactly the nearest
chunks of the channel's sources (embeddings from the fake OpenAI server)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from bot.retrieval.retriever import source_filter
from ingest.context import indexer_for

WORDS = ("deploy release rollback staging canary database backup restore token schedule cluster "
         "replica memory index thread channel answer source export page team config").split()


def write_pages(root: Path, count: int, seed: int) -> Path:
    rnd = random.Random(seed)
    root.mkdir(parents=True)
    for i in range(count):
        body = " ".join(rnd.choice(WORDS) for _ in range(12))
        (root / f"page {i}.md").write_text(f"# Page {seed}-{i}\n\n{body}\n")
    return root


@pytest.fixture
async def big_and_small(fake_bot, tmp_path):
    """`wiki` holds about 97% of the chunks, `news` about 3%."""
    await indexer_for(fake_bot).sync("wiki", write_pages(tmp_path / "wiki", 60, 1))
    await indexer_for(fake_bot).sync("news", write_pages(tmp_path / "news", 2, 2))
    return fake_bot


async def exact_cosines(bot, question: str, sources: list[str]) -> dict[str, float]:
    """Brute force in numpy over every stored chunk of `sources`: chunk key -> cosine."""
    redis = bot.retriever.indexes.chunks.client
    keys, vectors = [], []
    async for key in redis.scan_iter(match=f"{bot.retriever.indexes.keys.chunk_prefix}:*"):
        source, blob = await redis.hmget(key, ["source", "embedding"])
        if source.decode() in sources:
            keys.append(key.decode())
            vectors.append(np.frombuffer(blob, dtype=np.float32))
    matrix = np.stack(vectors)
    query = await bot.retriever.embedder.embed_query(question)
    cosine = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))
    return {key: round(float(c), 5) for key, c in zip(keys, cosine)}


async def test_policy_follows_the_channels_share_of_chunks(big_and_small):
    retriever = big_and_small.retriever
    assert await retriever.knn_policy(source_filter(["wiki"])) == "BATCHES"
    assert await retriever.knn_policy(source_filter(["news"])) is None  # brute force over few chunks
    assert await retriever.knn_policy(None) is None  # no filter: the plain graph search


@pytest.mark.parametrize("sources", [["wiki"], ["news"], ["wiki", "news"]])
async def test_filtered_knn_finds_the_exact_nearest_chunks_of_the_channel(big_and_small, sources):
    question = "how do we deploy the release"
    found = await big_and_small.retriever.search(question, sources, 5, mode="vector")
    assert {p.source for p in found} <= set(sources)
    cosines = await exact_cosines(big_and_small, question, sources)
    best = sorted(cosines.values(), reverse=True)[:5]
    assert [cosines[p.chunk_id] for p in found] == best  # compared by score: equal vectors may tie
