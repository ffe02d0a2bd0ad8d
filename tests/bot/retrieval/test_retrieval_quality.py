"""Retrieval on the real index: BM25 that a source filter cannot distort, word forms matched once,
and the fusion functions (embeddings from the fake OpenAI server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.retrieval.fusion import Ranked, normalised_sum, reciprocal_rank
from bot.retrieval.query_text import full_text_query, search_terms
from ingest.context import indexer_for

FILLER = "Meeting notes about the quarterly roadmap, hiring plans and office moves."


def write_pages(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for title, body in pages.items():
        (root / f"{title}.md").write_text(f"# {title}\n\n{body}\n")
    return root


@pytest.fixture
async def two_sources(fake_bot, tmp_path):
    """A large source and a one-page source whose page is the second-best answer."""
    big = {f"Notes {i}": FILLER for i in range(30)}
    big["Restore guide"] = "Restore a database backup with the restore script; restoring takes minutes."
    big["Backup policy"] = "Backups are kept for 30 days."
    big["Database"] = "The database is backed up nightly."
    small = {"Changelog": "Version 2 adds a restore command for database backups."}
    await indexer_for(fake_bot).sync("wiki", write_pages(tmp_path / "wiki", big))
    await indexer_for(fake_bot).sync("news", write_pages(tmp_path / "news", small))
    return fake_bot


async def test_source_filter_does_not_change_bm25_order(two_sources):
    """A tag filter scores like a word unless muted: one source's tag would outweigh the question's
    words, and that source's pages would move ahead whatever they say."""
    question = "how do I restore the database backups"
    unfiltered = await two_sources.retriever.search(question, None, 5, mode="bm25")
    filtered = await two_sources.retriever.search(question, ["wiki", "news"], 5, mode="bm25")
    assert [p.title for p in unfiltered[:2]] == ["Restore guide", "Changelog"]
    assert [p.chunk_id for p in filtered] == [p.chunk_id for p in unfiltered]
    only_wiki = await two_sources.retriever.search(question, ["wiki"], 5, mode="bm25")
    assert [p.title for p in only_wiki] == [p.title for p in unfiltered if p.title != "Changelog"]


async def test_word_forms_match_each_other(two_sources):
    for question in ("restoring backup", "restored backups", "backup restores"):
        found = await two_sources.retriever.search(question, None, 3, mode="bm25")
        assert found[0].title == "Restore guide", question
    found = await two_sources.retriever.search("backing up", ["wiki"], 3, mode="bm25")
    assert found[0].title == "Database"  # "backed" and "backing" share their stem


async def test_hybrid_keeps_a_clear_keyword_winner_first(two_sources):
    found = await two_sources.retriever.search("restore script", ["wiki", "news"], 3)
    assert found[0].title == "Restore guide"
    assert found[0].ranks.keys() == {"vector", "bm25"}


def test_full_text_query_spells_out_stems_and_mutes_the_filter():
    terms = search_terms("Treatments of the disease")
    assert terms == ["treatments", "disease"]
    assert full_text_query(terms, None) == r"treatment | \+treatment | diseas | \+diseas"
    query = full_text_query(terms, ["wiki"])
    assert query.startswith(r"(@source:{wiki|wiki}=>{$weight:0.0} treatment) | ")


async def test_filtered_bm25_scores_equal_unfiltered_ones(two_sources):
    """Straight from RediSearch: a filter on one source or several changes which chunks come back,
    never their scores. The four searches run in one MULTI/EXEC: BM25 scores depend on index-wide
    statistics (document count, average length, document frequencies), so searches compared by score
    must see one state of the index, not states a write or a garbage-collection pass changed between."""
    index = two_sources.indexes.chunks.name
    terms = search_terms("how do I restore the database backups")
    filters = (None, ["wiki"], ["news"], ["wiki", "news"])
    pipe = two_sources.redis.pipeline(transaction=True)
    for sources in filters:
        pipe.execute_command("FT.SEARCH", index, full_text_query(terms, sources), "VERBATIM", "WITHSCORES",
                             "SCORER", "BM25STD", "NOCONTENT", "LIMIT", 0, 100, "DIALECT", 2)
    replies = await pipe.execute()

    def scores(reply) -> dict[str, float]:
        if isinstance(reply, dict):  # RESP3: {"results": [{"id", "score"}, ...], ...}
            rows = reply.get(b"results", reply.get("results", []))
            pairs = [(r.get(b"id", r.get("id")), r.get(b"score", r.get("score"))) for r in rows]
        else:  # RESP2: [total, id, score, id, score, ...]
            pairs = list(zip(reply[1::2], reply[2::2]))
        return {(d.decode() if isinstance(d, bytes) else d): float(s) for d, s in pairs}

    everything, *filtered = (scores(r) for r in replies)
    assert len(everything) >= 4
    for sources, got in zip(filters[1:], filtered):
        assert got and got == pytest.approx({k: v for k, v in everything.items() if k in got})
        assert len(got) < len(everything) or len(sources) == 2


def test_reciprocal_rank_and_normalised_sum():
    a = Ranked(1.0, ["x", "y", "z"], [0.9, 0.5, 0.1])
    b = Ranked(0.5, ["y", "w"], [12.0, 2.0])
    rrf = reciprocal_rank([a, b], k=10)
    assert rrf["y"] == pytest.approx(1 / 12 + 0.5 / 11)
    assert max(rrf, key=rrf.get) == "y"
    convex = normalised_sum([a, b])
    assert convex == pytest.approx({"x": 1.0, "y": 0.5 + 0.5, "z": 0.0, "w": 0.0})
    flat = normalised_sum([Ranked(1.0, ["p", "q"], [3.0, 3.0])])
    assert flat == {"p": 0.5, "q": 0.5}
