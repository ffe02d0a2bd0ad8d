"""`lorebot status`: where Redis is, what is indexed, which models are used, and for each source its
schedule, last run (outcome, counts, errors) and next run."""

from __future__ import annotations

from typing import Any

from redis.exceptions import ResponseError
from redisvl.query.filter import Tag
from rich.console import Console
from rich.table import Table

from adapters.settings import AppSettings
from bot.keys import IndexKeys
from bot.retrieval.embedder import build_embedder
from bot.store.connection import connect, redacted, resolve_redis_url
from ingest.sources import Registry


async def _count(redis, index: str, query: str = "*") -> int:
    try:
        res = await redis.execute_command("FT.SEARCH", index, query, "LIMIT", 0, 0)
    except ResponseError:  # no such index (nothing indexed with this model yet)
        return 0
    if isinstance(res, dict):  # RESP3 (redis-py 8's default) answers a map
        return int(res.get(b"total_results", res.get("total_results", 0)))
    return int(res[0])


async def collect_status(settings: AppSettings) -> dict[str, Any]:
    url = await resolve_redis_url(settings)
    redis = await connect(settings)
    try:
        embedder = build_embedder(settings)
        keys = IndexKeys(settings.key_prefix, embedder.model_id)
        registry = Registry(redis, settings.key_prefix)
        sources = []
        for name in await registry.names():
            only = str(Tag("source") == name)
            sources.append({
                **await registry.status(name),
                "documents": await _count(redis, keys.doc_index, only),
                "chunks": await _count(redis, keys.chunk_index, only),
            })
        info = await redis.info("memory")
        return {
            "redis": {"url": redacted(url), "embedded": settings.redis_url is None,
                      "used_memory": info.get("used_memory_human")},
            "embeddings": embedder.model_id,
            "answers": f"generative ({settings.chat_model})" if settings.generative else "extractive",
            "documents": await _count(redis, keys.doc_index),
            "chunks": await _count(redis, keys.chunk_index),
            "sources": sources,
        }
    finally:
        await redis.aclose()


def print_status(console: Console, info: dict[str, Any]) -> None:
    r = info["redis"]
    console.print(f"Redis: {r['url']} ({'embedded' if r['embedded'] else 'REDIS_URL'}), {r['used_memory']} used")
    console.print(f"Embeddings: {info['embeddings']}   Answers: {info['answers']}")
    console.print(f"Indexed: {info['documents']} documents, {info['chunks']} chunks")
    if info["sources"]:
        table = Table("source", "documents", "chunks", "schedule", "last run", "outcome", "next run")
        for s in info["sources"]:
            last = s["last"] or {}
            outcome = last.get("outcome", "never run")
            if outcome == "synced":
                outcome += f" (+{last['added']} ~{last['changed']} -{last['deleted']})"
            if s["syncing"]:
                outcome = "syncing now"
            table.add_row(s["name"], str(s["documents"]), str(s["chunks"]), s.get("schedule", "-"),
                          last.get("last_run", "-"), outcome, s["next_run"] or _no_next_run(s))
        console.print(table)
        for s in info["sources"]:
            last = s["last"] or {}
            if last.get("error"):
                console.print(f"[red]{s['name']}:[/red] {last['error']}")
                continue
            for f in last.get("failed", [])[:10]:
                console.print(f"[yellow]{s['name']}: skipped[/yellow] {f['file']}: {f['reason']}")


def _no_next_run(source: dict[str, Any]) -> str:
    return "no scheduler running" if source.get("schedule", "manual") != "manual" else "-"
