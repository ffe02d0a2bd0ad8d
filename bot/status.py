"""`lorebot status`: where Redis is, what is indexed, which models are used."""

from __future__ import annotations

from typing import Any

from redisvl.query.filter import Tag
from rich.console import Console
from rich.table import Table

from bot.access import sources_key
from bot.connection import connect, redacted, resolve_redis_url
from bot.embedder import build_embedder
from bot.index import Keys
from bot.settings import Settings


async def _count(redis, index: str, query: str = "*") -> int:
    try:
        res = await redis.execute_command("FT.SEARCH", index, query, "LIMIT", 0, 0)
        return int(res[0])
    except Exception:
        return 0


async def collect_status(settings: Settings) -> dict[str, Any]:
    url = await resolve_redis_url(settings)
    redis = await connect(settings)
    try:
        embedder = build_embedder(settings)
        keys = Keys(settings.key_prefix, embedder.model_id)
        names = sorted(m.decode() for m in await redis.smembers(sources_key(settings.key_prefix)))
        sources = []
        for name in names:
            only = str(Tag("source") == name)
            sources.append({
                "name": name,
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
        table = Table("source", "documents", "chunks")
        for s in info["sources"]:
            table.add_row(s["name"], str(s["documents"]), str(s["chunks"]))
        console.print(table)
