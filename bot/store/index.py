"""The Redis layout of the document index: chunk and document schemas (redisvl) and key names.

Chunks of one document share a hash tag, so a document's chunks and its record swap in one
MULTI/EXEC on a single node and on a cluster alike. Each embedding model gets its own index.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis
from redisvl.exceptions import RedisSearchError
from redisvl.index import AsyncSearchIndex
from redisvl.schema import IndexSchema

from bot.keys import IndexKeys


def doc_tag(source: str, doc_id: str) -> str:
    return hashlib.sha1(f"{source}\x00{doc_id}".encode()).hexdigest()[:20]


def chunk_schema(keys: IndexKeys, dims: int, algorithm: str = "hnsw", datatype: str = "float32") -> IndexSchema:
    return IndexSchema.from_dict(
        {
            "index": {"name": keys.chunk_index, "prefix": keys.chunk_prefix, "storage_type": "hash"},
            "fields": [
                {"name": "text", "type": "text"},
                {"name": "title", "type": "text", "attrs": {"weight": 2.0}},
                {"name": "heading", "type": "text", "attrs": {"weight": 1.5}},
                {"name": "source", "type": "tag"},
                {"name": "doc_id", "type": "tag"},
                {
                    "name": "embedding",
                    "type": "vector",
                    "attrs": {
                        "dims": dims,
                        "distance_metric": "cosine",
                        "algorithm": algorithm,
                        "datatype": datatype,
                        **({"m": 16, "ef_construction": 200} if algorithm == "hnsw" else {}),
                    },
                },
            ],
        }
    )


def doc_schema(keys: IndexKeys) -> IndexSchema:
    return IndexSchema.from_dict(
        {
            "index": {"name": keys.doc_index, "prefix": keys.doc_prefix, "storage_type": "hash"},
            "fields": [
                {"name": "source", "type": "tag"},
                {"name": "doc_id", "type": "tag"},
                {"name": "file", "type": "tag"},
                {"name": "title", "type": "text"},
            ],
        }
    )


@dataclass
class Indexes:
    keys: IndexKeys
    chunks: AsyncSearchIndex
    docs: AsyncSearchIndex


async def open_indexes(redis: Redis, prefix: str, model_id: str, dims: int) -> Indexes:
    """Create the indexes if they do not exist yet (existing data is kept)."""
    keys = IndexKeys(prefix, model_id)
    chunks = AsyncSearchIndex(chunk_schema(keys, dims), redis_client=redis)
    docs = AsyncSearchIndex(doc_schema(keys), redis_client=redis)
    for idx in (chunks, docs):
        if not await idx.exists():
            try:
                await idx.create(overwrite=False)
            except RedisSearchError:
                if not await idx.exists():  # else another process starting at once created it: fine
                    raise
    return Indexes(keys, chunks, docs)
