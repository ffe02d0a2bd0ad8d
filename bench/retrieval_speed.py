"""Retrieval speed and memory against index size: the default hybrid search with a channel filter
(3 of 20 sources) at 1k, 10k, 30k and 100k chunks, Redis memory per 100k chunks, and the same at
100k with FLOAT16 vectors. Writes bench/results/retrieval_speed.json and retrieval_speed.png.

    python -m bench.retrieval_speed [--sizes 1000,10000,30000,100000] [--queries 200]

Chunks are SciFact's real chunks and vectors from the retrieval-quality run's index (in
LOREBOT_DATA_DIR, default .lorebot-bench); past its 10k chunks they repeat with noise added to the
vectors (renormalised). Without that index, texts and vectors are synthetic. Latency is measured
without the query's embedding (vectors computed beforehand), which is reported on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from pathlib import Path

import numpy as np
from redis.asyncio import Redis
from redisvl.index import AsyncSearchIndex

from bench.common import RESULTS, percentile, save, scratch_redis
from bot.keys import IndexKeys
from bot.retrieval.embedder import Embedder, LocalEmbedder
from bot.retrieval.retriever import RetrievalConfig, Retriever
from bot.store.index import Indexes, chunk_schema, doc_schema, doc_tag
from bot.store.redis_server import ensure_embedded_redis

SOURCES = [f"team-{i:02d}" for i in range(20)]
CHANNEL = SOURCES[:3]
NOISE = 0.03  # per dimension: a repeated vector keeps a cosine of about 0.85 with its original
WORDS = ("redis index vector search channel thread answer source export page team deploy config token "
         "schedule memory citation model retrieval chunk heading table slack discord sync admin").split()


class Precomputed(Embedder):
    """Query vectors computed beforehand, so the timings are Redis and fusion only."""

    def __init__(self, vectors: dict[str, np.ndarray], dims: int):
        self.vectors, self.dims, self.model_id, self.max_tokens = vectors, dims, "precomputed", 256

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    async def _encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts])


async def base_chunks(data_dir: Path) -> list[dict]:
    """SciFact's chunks from the retrieval-quality index, or [] when it was never built."""
    server = ensure_embedded_redis(data_dir / "redis")
    redis = Redis.from_url(server.url)
    rows = []
    try:
        async for key in redis.scan_iter(match="lorebot-eval:chunk:minilm-l6-v2:*", count=2000):
            row = await redis.hgetall(key)
            rows.append({k.decode(): v for k, v in row.items()})
    finally:
        await redis.aclose()
    return rows


def synthetic(n: int, dims: int, rnd: random.Random) -> list[dict]:
    vecs = np.random.default_rng(7).normal(size=(n, dims)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return [{"text": " ".join(rnd.choice(WORDS) for _ in range(80)), "title": f"Page {i}", "heading": "",
             "embedding": v.tobytes()} for i, v in enumerate(vecs)]


async def fill(redis: Redis, keys: IndexKeys, base: list[dict], start: int, stop: int, datatype: str) -> None:
    rng = np.random.default_rng(start)
    pipe = redis.pipeline(transaction=False)
    for i in range(start, stop):
        row = base[i % len(base)]
        vec = np.frombuffer(row["embedding"], dtype=np.float32)
        if i >= len(base):
            vec = vec + rng.normal(scale=NOISE, size=vec.shape).astype(np.float32)
            vec /= np.linalg.norm(vec)
        source, doc = SOURCES[i % len(SOURCES)], f"doc-{i // 2}"
        pipe.hset(keys.chunk(doc_tag(source, doc), i % 2), mapping={
            "text": row["text"], "title": row["title"], "heading": row.get("heading", b""),
            "source": source, "doc_id": doc, "embedding": vec.astype(datatype).tobytes(),
        })
        if len(pipe) >= 1000:
            await pipe.execute()
    await pipe.execute()


async def wait_settled(redis: Redis, index: AsyncSearchIndex) -> None:
    """Indexing done and no append-only-file rewrite running (a 100k-chunk fill triggers one; its child
    process would share the 2 cores with the queries being timed)."""
    while int((await index.info())["indexing"]):
        await asyncio.sleep(0.2)
    while int((await redis.info("persistence"))["aof_rewrite_in_progress"]):
        await asyncio.sleep(0.5)


async def measure(retriever: Retriever, questions: list[str]) -> dict:
    for q in questions[:10]:  # warm up
        await retriever.search(q, CHANNEL, 6)
    times = []
    for q in questions:
        t = time.perf_counter()
        await retriever.search(q, CHANNEL, 6)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}


async def memory(redis: Redis, index: AsyncSearchIndex) -> dict:
    info = await index.info()
    used = (await redis.info("memory"))["used_memory"]
    return {"used_memory_mb": round(used / 2**20, 1), "vector_index_mb": round(float(info["vector_index_sz_mb"]), 1),
            "text_index_mb": round(float(info["inverted_sz_mb"]), 1)}


async def series(url: str, base: list[dict], sizes: list[int], datatype: str, questions: list[str],
                 embedder: Precomputed) -> list[dict]:
    redis = Redis.from_url(url)
    keys = IndexKeys("bench", "minilm-l6-v2")
    chunks = AsyncSearchIndex(chunk_schema(keys, embedder.dims, datatype=datatype), redis_client=redis)
    await chunks.create()
    docs = AsyncSearchIndex(doc_schema(keys), redis_client=redis)
    await docs.create()
    retriever = Retriever(Indexes(keys, chunks, docs), embedder, RetrievalConfig())
    empty = (await redis.info("memory"))["used_memory"]
    points, done = [], 0
    try:
        for size in sizes:
            t = time.perf_counter()
            await fill(redis, keys, base, done, size, datatype)
            await wait_settled(redis, chunks)
            added_s = time.perf_counter() - t
            point = {"chunks": size, "datatype": datatype, **await measure(retriever, questions),
                     **await memory(redis, chunks), "insert_per_s": round((size - done) / added_s)}
            point["mb_per_100k_chunks"] = round(
                ((await redis.info("memory"))["used_memory"] - empty) / 2**20 * 100_000 / size, 1)
            print(point, flush=True)
            points.append(point)
            done = size
    finally:
        await redis.aclose()
    return points


def plot(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    f32 = figures["float32"]
    sizes = [p["chunks"] for p in f32]
    ax.plot(sizes, [p["p50_ms"] for p in f32], "o-", label="p50 (FLOAT32)")
    ax.plot(sizes, [p["p95_ms"] for p in f32], "o-", label="p95 (FLOAT32)")
    for p in figures["float16"]:
        ax.plot([p["chunks"]], [p["p95_ms"]], "s", color="tab:red", label=f"p95 (FLOAT16, {p['chunks']:,})")
    ax.axhline(20, color="grey", linestyle="--", linewidth=1, label="20 ms target")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("hybrid search, ms (query embedding excluded)")
    ax.set_title("Retrieval latency with a channel filter (3 of 20 sources)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


async def run(sizes: list[int], n_questions: int) -> dict:
    data_dir = Path(os.environ.get("LOREBOT_DATA_DIR", ".lorebot-bench"))
    rnd = random.Random(7)
    real = await base_chunks(data_dir)
    base = real or synthetic(10_000, 384, rnd)
    local = LocalEmbedder()
    await local.prepare()
    titles = [row["title"] for row in rnd.sample(base, n_questions)]
    questions = [" ".join((t.decode() if isinstance(t, bytes) else t).split()[:8]) for t in titles]
    vectors, times = {}, []
    for q in questions:
        t = time.perf_counter()
        vectors[q] = await local.embed_query(q)
        times.append((time.perf_counter() - t) * 1000)
    embedder = Precomputed(vectors, local.dims)
    with scratch_redis() as (url, _):  # a fresh server each: memory figures start from the same base
        f32 = await series(url, base, sizes, "float32", questions, embedder)
    with scratch_redis() as (url, _):
        f16 = await series(url, base, sizes[-1:], "float16", questions, embedder)
    return {
        "base": f"{len(base)} SciFact chunks" if real else "synthetic",
        "channel_sources": f"{len(CHANNEL)} of {len(SOURCES)}",
        "query_embedding_ms": {"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)},
        "float32": f32,
        "float16": f16,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,30000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    figures = asyncio.run(run([int(s) for s in args.sizes.split(",")], args.queries))
    plot(figures, RESULTS / "retrieval_speed.png")
    print(f"written to {save('retrieval_speed', figures)} and {RESULTS / 'retrieval_speed.png'}")


if __name__ == "__main__":
    main()
