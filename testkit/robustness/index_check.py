"""Is a source's index whole? Document records, chunk keys and the search indexes, checked against
each other after a fault."""

from __future__ import annotations

from redis.commands.search.query import Query

from bot.keys import IndexKeys
from bot.store.index import doc_tag


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


async def index_state(client, keys: IndexKeys, source: str) -> dict[str, int]:
    """Check the index of `source` is whole and return {doc_id: chunk count}.

    Whole means: every chunk key belongs to a document record of this source that counts it (no
    orphans), every record's chunks 0..n-1 exist and name their document, and the search indexes
    hold exactly these keys (nothing stale after a restart)."""
    records: dict[str, dict[str, str]] = {}
    async for key in client.scan_iter(match=f"{keys.doc_prefix}:*", count=1000):
        rec = {_s(k): _s(v) for k, v in (await client.hgetall(key)).items()}
        if rec.get("source") == source:
            assert _s(key) == keys.doc(doc_tag(source, rec["doc_id"])), key
            records[rec["doc_id"]] = rec
    counts = {doc_id: int(rec["chunks"]) for doc_id, rec in records.items()}
    tags = {doc_tag(source, d): d for d in records}
    chunk_keys = 0
    async for key in client.scan_iter(match=f"{keys.chunk_prefix}:*", count=1000):
        key = _s(key)
        tag, n = key[len(keys.chunk_prefix) + 2:].split("}:")
        if _s(await client.hget(key, "source")) != source:
            continue
        chunk_keys += 1
        assert tag in tags, f"orphan chunk {key}: no document record"
        assert int(n) < counts[tags[tag]], f"orphan chunk {key}: beyond its record's {counts[tags[tag]]} chunks"
        assert _s(await client.hget(key, "doc_id")) == tags[tag]
    assert chunk_keys == sum(counts.values())
    escaped = source.replace("-", "\\-")
    for index, expected in ((keys.chunk_index, chunk_keys), (keys.doc_index, len(records))):
        found = await client.ft(index).search(Query(f"@source:{{{escaped}}}").paging(0, 0))
        assert found.total == expected, (index, found.total, expected)
    return counts
