"""The near miss of a theme: the indexed page closest to what its questions ask, among the sources
their channels see, with its cosine similarity (the page that should have answered but falls short)."""

from __future__ import annotations

import numpy as np
from redisvl.query import VectorQuery

from bot.access import visible_sources
from bot.core import Lorebot
from bot.retrieval.retriever import EF_RUNTIME, source_filter
from bot.types import Question

FIELDS = ["title", "path", "url", "source"]


async def sources_of(bot: Lorebot, scopes: list[str]) -> list[str] | None:
    """The sources any of `scopes` (`PLATFORM:ID`) sees; None: every source."""
    seen: set[str] = set()
    for scope in scopes:
        platform, _, channel = scope.partition(":")
        visible = await visible_sources(bot.redis, bot.settings, Question(platform, channel, ""))
        if visible is None:
            return None
        seen.update(visible)
    return sorted(seen)


async def nearest_page(bot: Lorebot, vector: np.ndarray, sources: list[str] | None) -> dict[str, object] | None:
    """{"title", "source", "path", "url", "score"} of the chunk nearest `vector` (a normalised embedding
    of the serving model) in `sources`, or None when nothing is indexed there. `path` is the page's place
    in its export; `url` its address, "" when it has none (as in `ask --json` citations: never the path,
    which readers would take for a link); `score` is the cosine similarity, 0..1."""
    if sources == []:
        return None
    query = VectorQuery(vector=vector.astype(np.float32).tolist(), vector_field_name="embedding",
                        return_fields=FIELDS, filter_expression=source_filter(sources), num_results=1,
                        dtype=bot.retriever.dtype, ef_runtime=EF_RUNTIME)
    hits = await bot.indexes.chunks.query(query)
    if not hits:
        return None
    hit = hits[0]
    path = hit.get("path") or ""
    return {"title": hit.get("title") or path, "source": hit.get("source", ""), "path": path,
            "url": hit.get("url") or "", "score": round(1.0 - float(hit["vector_distance"]), 4)}
