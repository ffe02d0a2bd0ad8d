"""Incremental sync of one export into the index: by content hash, never by timestamps.

Unchanged documents cost nothing; new and changed ones are chunked and embedded (identical text
comes from the embeddings cache, so a change of metadata alone, like a new page link, re-embeds
nothing); each document's chunks and record are swapped in one MULTI/EXEC, so a question sees the
old page or the new one, never a mix; documents gone from the export are removed, except those
whose file failed to read this time, which keep what they had; an export that reads as empty
changes nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from redis.asyncio import Redis
from redisvl.query import FilterQuery
from redisvl.query.filter import Tag

from bot.retrieval.embedder import CachedEmbedder
from bot.retrieval.languages import normalise, redisearch_language
from bot.retrieval.serving_model import mark_synced
from bot.store.index import Indexes, doc_tag
from ingest.chunker import Chunk, Chunker, label
from ingest.documents import Document, Failure
from ingest.export import Export, ExportError
from ingest.readers import read_export

Progress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH_CHUNKS = 256
DOCS_PER_CHUNKING = 16
BATCHES_IN_FLIGHT = 2
DEFAULT_CHUNK_TOKENS = 512  # large-window remote models: passages this size retrieve better than whole pages


@dataclass
class SyncReport:
    source: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    chunks_embedded: int = 0
    chunks_written: int = 0
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""  # the whole export could not be read: nothing was changed

    @property
    def ok(self) -> bool:
        return not self.error

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "chunks_embedded": self.chunks_embedded,
            "chunks_written": self.chunks_written,
            "failed": [f.to_dict() for f in self.failed],
            "seconds": round(self.seconds, 3),
            **({"error": self.error} if self.error else {}),
        }


def _read_all(location: Path, kind: str | None, page_url_base: str) -> tuple[list[Document], list[Failure]]:
    docs: list[Document] = []
    failures: list[Failure] = []
    seen: dict[str, int] = {}
    with Export(location) as export:
        for item in read_export(export, kind, page_url_base):
            if isinstance(item, Failure):
                failures.append(item)
                continue
            n = seen.get(item.doc_id, 0) + 1
            seen[item.doc_id] = n
            if n > 1:  # e.g. two files of one name in one Drive folder: distinct documents
                item = dataclasses.replace(item, doc_id=f"{item.doc_id}#{n}")
            docs.append(item)
    return docs, failures


class Indexer:
    def __init__(self, redis: Redis, indexes: Indexes, embedder: CachedEmbedder, spec: str,
                 max_tokens: int | None = None):
        self.redis = redis
        self.spec = spec  # the LOREBOT_EMBEDDINGS value this index is built with
        self.indexes = indexes
        self.embedder = embedder
        window = min(max_tokens or DEFAULT_CHUNK_TOKENS, embedder.max_tokens)
        self.chunker = Chunker(embedder.count_tokens, window)

    async def existing(self, source: str) -> dict[str, dict[str, str]]:
        """doc_id -> its record, for every document of `source` in the index."""
        query = FilterQuery(
            filter_expression=Tag("source") == source,
            return_fields=["doc_id", "hash", "chunks", "file"],
            num_results=10_000,
        )
        found: dict[str, dict[str, str]] = {}
        async for page in self.indexes.docs.paginate(query, page_size=1000):
            for rec in page:
                found[rec["doc_id"]] = rec
        return found

    async def sync(self, source: str, location: str | Path, kind: str | None = None,
                   progress: Progress | None = None, page_url_base: str = "") -> SyncReport:
        """Sync the export at `location` into `source`; `page_url_base`, the server's address,
        links Confluence documents to their live pages."""
        started = time.perf_counter()
        report = SyncReport(source)
        encoded_before = self.embedder.encoded
        try:
            docs, report.failed = await asyncio.to_thread(_read_all, Path(location), kind, page_url_base)
        except ExportError as exc:
            report.error = str(exc)
            report.failed.append(Failure(str(location), str(exc)))
            report.seconds = time.perf_counter() - started
            return report
        if not docs and not report.failed:
            # Far likelier a wrong path or a failed export job than a space whose every page was
            # deleted: keep what is indexed (removing the source is how to empty it).
            report.error = f"{Path(location).name}: the export holds no documents; nothing was changed"
            report.seconds = time.perf_counter() - started
            return report
        await self.embedder.prepare()
        existing = await self.existing(source)
        todo: list[Document] = []
        for doc in docs:
            rec = existing.get(doc.doc_id)
            if rec is None:
                report.added += 1
                todo.append(doc)
            elif rec.get("hash") != doc.content_hash:
                report.changed += 1
                todo.append(doc)
            else:
                report.unchanged += 1
        await self._write(source, todo, existing, report, progress)
        failed_files = {f.file for f in report.failed}
        present = {d.doc_id for d in docs}
        for doc_id, rec in existing.items():
            if doc_id not in present and rec.get("file", "") not in failed_files:
                await self.delete_document(source, doc_id, int(rec.get("chunks") or 0))
                report.deleted += 1
        report.chunks_embedded = self.embedder.encoded - encoded_before
        keys = self.indexes.keys
        await mark_synced(self.redis, keys.prefix, keys.model_id, self.spec, source, keys.layout)
        report.seconds = time.perf_counter() - started
        return report

    async def _write(self, source: str, todo: list[Document], existing: dict[str, dict[str, str]],
                     report: SyncReport, progress: Progress | None) -> None:
        """Chunk, embed and store, overlapped so the model never waits: documents are chunked ahead
        in a thread, and two batches are in flight, so while one encodes (the local model encodes one
        batch at a time) the other has its cache lookup, cache store and Redis writes done. When a
        batch fails, the other one still completes and is stored: the next sync resumes after it."""
        Batch = list[tuple[Document, list[Chunk], str]]
        labelled = self.indexes.keys.layout >= 2
        queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=2)
        done = 0

        def chunk_all(docs: list[Document]) -> Batch:
            # Repaired and NFKC-normalised as questions are (bot.retrieval.languages), then each chunk's
            # language and search terms, here in the chunking thread, overlapped with the model's
            # encoding. The hash kept is of the document as read: the next sync compares it with that.
            out: Batch = []
            for read in docs:
                d = dataclasses.replace(read, title=normalise(read.title), text=normalise(read.text))
                chunks = self.chunker.chunk(d.title, d.text)
                if labelled:
                    chunks = label(chunks, d.title, d.text)
                out.append((d, chunks, read.content_hash))
            return out

        async def produce() -> None:
            try:
                batch: Batch = []
                for i in range(0, len(todo), DOCS_PER_CHUNKING):
                    batch += await asyncio.to_thread(chunk_all, todo[i : i + DOCS_PER_CHUNKING])
                    if sum(len(c) for _, c, _ in batch) >= BATCH_CHUNKS:
                        await queue.put(batch)
                        batch = []
                await queue.put(batch)
            finally:
                await queue.put(None)  # also on failure: the consumers stop

        failed = asyncio.Event()  # after a failure no batch is started; the one in flight is kept

        async def consume() -> None:
            nonlocal done
            while not failed.is_set():
                batch = await queue.get()
                if batch is None:
                    queue.put_nowait(None)  # for the other consumer (the producer has finished)
                    return
                if failed.is_set():
                    return
                texts = [c.embed_text for _, chunks, _ in batch for c in chunks]
                try:
                    vectors = await self.embedder.embed_documents(texts)
                    await self._store(source, batch, vectors, existing, report)
                except Exception:
                    failed.set()
                    raise
                done += len(batch)
                if progress:
                    progress("embed", done, len(todo))

        producer = asyncio.create_task(produce())
        consumers = [asyncio.create_task(consume()) for _ in range(BATCHES_IN_FLIGHT)]
        try:
            for outcome in await asyncio.gather(*consumers, return_exceptions=True):
                if isinstance(outcome, BaseException):
                    raise outcome
            await producer  # a chunking error
        finally:  # a failed sync stops every part before it raises, not behind its caller
            for task in (producer, *consumers):
                task.cancel()
            await asyncio.gather(producer, *consumers, return_exceptions=True)

    async def _store(self, source: str, batch: list[tuple[Document, list[Chunk], str]], vectors: np.ndarray,
                     existing: dict[str, dict[str, str]], report: SyncReport) -> None:
        i = 0
        for doc, chunks, read_hash in batch:
            old = int(existing.get(doc.doc_id, {}).get("chunks") or 0)
            await self._swap(source, doc, chunks, vectors[i : i + len(chunks)], old, read_hash)
            i += len(chunks)
            report.chunks_written += len(chunks)

    async def _swap(self, source: str, doc: Document, chunks: list[Chunk], vecs: np.ndarray, old: int,
                    read_hash: str) -> None:
        keys = self.indexes.keys
        tag = doc_tag(source, doc.doc_id)
        pipe = self.redis.pipeline(transaction=True)
        for n in range(len(chunks), old):
            pipe.delete(keys.chunk(tag, n))
        for chunk, vec in zip(chunks, vecs):
            labels = {"lang": redisearch_language(chunk.language), "terms": chunk.terms} if keys.layout >= 2 else {}
            pipe.hset(keys.chunk(tag, chunk.n), mapping={
                **labels,
                "text": chunk.text,
                "title": doc.title,
                "heading": chunk.heading,
                "source": source,
                "doc_id": doc.doc_id,
                "path": doc.path,
                "url": doc.url,
                "modified": doc.modified,
                "author": doc.author,
                "n": chunk.n,
                "embedding": np.asarray(vec, dtype=np.float32).tobytes(),
            })
        pipe.hset(keys.doc(tag), mapping={
            "source": source,
            "doc_id": doc.doc_id,
            "hash": read_hash,  # of the document as read, not as normalised (what sync compares)
            "chunks": len(chunks),
            "file": doc.file,
            "title": doc.title,
            "path": doc.path,
            "url": doc.url,
            "kind": doc.kind,
            "parent_id": doc.parent_id,
        })
        await pipe.execute()

    async def delete_document(self, source: str, doc_id: str, chunks: int) -> None:
        keys = self.indexes.keys
        tag = doc_tag(source, doc_id)
        pipe = self.redis.pipeline(transaction=True)
        for n in range(chunks):
            pipe.delete(keys.chunk(tag, n))
        pipe.delete(keys.doc(tag))
        await pipe.execute()

    async def delete_source(self, source: str) -> int:
        existing = await self.existing(source)
        for doc_id, rec in existing.items():
            await self.delete_document(source, doc_id, int(rec.get("chunks") or 0))
        return len(existing)
