"""The Redis layout of the document index: chunk and document schemas (redisvl) and key names.

Chunks of one document share a hash tag, so a document's chunks and its record swap in one
MULTI/EXEC on a single node and on a cluster alike. Each embedding model gets its own index, and
each index layout (bot.keys.LAYOUT) its own keys:

- layout 1: text, title, heading (English stemming), source, doc_id, embedding;
- layout 2 adds each chunk's language in `lang`, which RediSearch reads as the chunk's LANGUAGE
  (LANGUAGE_FIELD: stemmed in its own language, Chinese segmented by friso), and `terms`: search
  tokens its tokenizer cannot make (CJK n-grams, identifier forms: bot.retrieval.tokens), unstemmed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.commands.search.index_definition import IndexDefinition, IndexType
from redis.exceptions import RedisError
from redisvl.exceptions import RedisSearchError
from redisvl.index import AsyncSearchIndex
from redisvl.schema import IndexSchema

from bot.keys import LAYOUT, IndexKeys


def doc_tag(source: str, doc_id: str) -> str:
    return hashlib.sha1(f"{source}\x00{doc_id}".encode()).hexdigest()[:20]


LANGUAGE_FIELD = "lang"  # a chunk's RediSearch language name (bot.retrieval.languages.redisearch_language)


def chunk_schema(keys: IndexKeys, dims: int, algorithm: str = "hnsw", datatype: str = "float32") -> IndexSchema:
    by_layout: list[dict] = [
        {"name": "terms", "type": "text", "attrs": {"no_stem": True}},
        {"name": LANGUAGE_FIELD, "type": "tag"},
    ] if keys.layout >= 2 else []
    return IndexSchema.from_dict(
        {
            "index": {"name": keys.chunk_index, "prefix": keys.chunk_prefix, "storage_type": "hash"},
            "fields": [
                {"name": "text", "type": "text"},
                {"name": "title", "type": "text", "attrs": {"weight": 2.0}},
                {"name": "heading", "type": "text", "attrs": {"weight": 1.5}},
                *by_layout,
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


async def create_index(index: AsyncSearchIndex) -> None:
    """FT.CREATE for `index`'s schema; a chunk index of layout 2 or later with LANGUAGE_FIELD
    (which redisvl's create does not offer). Raises RedisSearchError."""
    schema = index.schema
    if LANGUAGE_FIELD not in schema.fields:
        await index.create(overwrite=False)
        return
    prefix = schema.index.prefix
    definition = IndexDefinition(prefix=[prefix] if isinstance(prefix, str) else list(prefix),
                                 index_type=IndexType.HASH, language_field=LANGUAGE_FIELD)
    fields = [f.as_redis_field() for f in schema.fields.values()]
    try:
        await index.client.ft(schema.index.name).create_index(fields=fields, definition=definition)
    except RedisError as exc:
        raise RedisSearchError(f"Failed to create index {schema.index.name!r}: {exc}") from exc


async def open_indexes(redis: Redis, prefix: str, model_id: str, dims: int, layout: int = LAYOUT) -> Indexes:
    """Create the indexes if they do not exist yet (existing data is kept)."""
    keys = IndexKeys(prefix, model_id, layout)
    chunks = AsyncSearchIndex(chunk_schema(keys, dims), redis_client=redis)
    docs = AsyncSearchIndex(doc_schema(keys), redis_client=redis)
    for idx in (chunks, docs):
        if not await idx.exists():
            try:
                await create_index(idx)
            except RedisSearchError:
                if not await idx.exists():  # else another process starting at once created it: fine
                    raise
    return Indexes(keys, chunks, docs)
