"""How common a question's words are among the chunks a channel can see: document frequencies for
IDF weights (bot.answering.confidence), counted by RediSearch itself in one round trip.

Each word is counted in all its indexed forms, exactly as the BM25 side searches it
(bot.retrieval.query_text.full_text_query), under the same source filter. A Korean or Japanese word
(bot.retrieval.cjk_words) is counted in the chunks holding every one of its bigrams: the index holds
those, not the word as the question writes it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.retrieval.query_text import full_text_query, stem
from bot.retrieval.retriever import source_filter
from bot.store.index import Indexes

PRIOR_CHUNKS = 10  # TermStats.idf
_PLAIN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TermStats:
    """`chunks`: how many chunks the sources hold; `df`: for each stem asked, in how many of them it
    occurs (any form)."""

    chunks: int
    df: dict[str, int]

    def idf(self, root: str) -> float:
        """BM25's (Robertson-Sparck Jones) IDF of a stem, ln(1 + (N - df + 0.5) / (df + 0.5)), counted
        as if the index also held PRIOR_CHUNKS chunks in each of which every word occurs once in
        PRIOR_CHUNKS: in an index of a page or two, a plain word it happens not to contain ("work")
        must not outweigh the rest; in one of thousands of chunks this changes nothing measurable."""
        n = self.chunks + PRIOR_CHUNKS
        df = self.df.get(root, 0) + 1
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


async def term_stats(indexes: Indexes, terms: list[str], sources: list[str] | None,
                     grams: Mapping[str, Sequence[str]] | None = None) -> TermStats:
    """Document frequencies of `terms` (words from bot.retrieval.query_text.search_terms), by stem,
    among the chunks of `sources` (None: all): one pipelined FT.SEARCH per stem, counting only
    (LIMIT 0 0). A term in `grams` (bot.retrieval.cjk_words.gram_words) is counted, under its own
    spelling, in the chunks holding all its bigrams. Raises redis errors as the client does."""
    client = indexes.chunks.client
    name = indexes.chunks.name
    flt = source_filter(sources)
    asked: dict[str, str] = {}  # stem -> the query counting it
    for term in terms:
        if grams and term in grams:
            query = _all_of(grams[term], str(flt) if flt is not None else "")
            if query:
                asked.setdefault(term, query)
            continue
        query = full_text_query([term], sources)
        if query:  # empty when the stem is a stopword: it is not searched, so it has no weight
            asked.setdefault(stem(term), query)
    pipe = client.pipeline(transaction=False)
    pipe.execute_command("FT.SEARCH", name, str(flt) if flt is not None else "*", "LIMIT", 0, 0, "DIALECT", 2)
    for query in asked.values():
        pipe.execute_command("FT.SEARCH", name, query, "VERBATIM", "LIMIT", 0, 0, "DIALECT", 2)
    totals = [_total(r) for r in await pipe.execute()]
    return TermStats(totals[0], dict(zip(asked, totals[1:])))


def _all_of(tokens: Sequence[str], flt: str) -> str:
    """A query for the chunks holding every one of `tokens` (as written), under the filter `flt`;
    "" when a token is no plain word (nothing a question could inject reaches the parser)."""
    if not tokens or not all(_PLAIN.fullmatch(t) for t in tokens):
        return ""
    return " ".join([flt, *tokens] if flt else tokens)


def _total(reply: object) -> int:
    """The match count of an FT.SEARCH reply (RESP2 list, RESP3 map or redis-py's parsed Result)."""
    if isinstance(reply, (list, tuple)):
        return int(reply[0]) if reply else 0
    if isinstance(reply, dict):
        return int(reply.get("total_results") or reply.get(b"total_results") or 0)
    return int(getattr(reply, "total", 0))

