"""Turning a user's question into safe full-text search terms.

A question never reaches RediSearch's query parser raw: it is split into word tokens, stopwords
are dropped (a union starting with two stopwords crashes RediSearch 2.10, see VERIFIED-STACK.md),
and only plain word characters remain, so `|`, `@field:`, `-`, `*`, `%`, `~`, `{}`, `$` and quotes
are just text that cannot change the query.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from redisvl.query.filter import Tag
from redisvl.utils.stopwords import get_stopwords

# RediSearch's own default stopword list, in case a language list lacks one of them.
REDISEARCH_STOPWORDS = frozenset(
    "a is the an and are as at be but by for if in into it no not of on or such that their then there "
    "these they this to was will with".split()
)
STOPWORDS = frozenset(get_stopwords("english")) | REDISEARCH_STOPWORDS
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 48
MAX_TERM_CHARS = 64
_STEMMER = snowballstemmer.stemmer("english")  # RediSearch's default language stems the same way


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball stem (pure Python, about 0.1 ms a word: worth remembering)."""
    return _STEMMER.stemWord(word)


def search_terms(text: str) -> list[str]:
    """Distinct lower-case word tokens worth searching for, in order of first appearance."""
    seen: dict[str, None] = {}
    for tok in _TOKEN.findall(text.lower()):
        if tok in STOPWORDS or len(tok) > MAX_TERM_CHARS:
            continue
        if len(tok) == 1 and tok.isascii():
            continue  # single letters match everything and nothing useful
        seen.setdefault(tok, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def full_text_query(terms: list[str], sources: list[str] | None) -> str:
    """A RediSearch query (run with VERBATIM) for any of `terms` (from search_terms), each matched in
    any of its forms and counted once, in chunks of `sources` (None: all), which do not score.

    - RediSearch indexes every word as written and, where it differs, as "+" + its Snowball stem;
      its own query expansion then counts a word written as asked twice (as itself and as its
      stem) and other forms once. Asking for `stem | \\+stem` verbatim matches exactly the same
      chunks, each form once (SciFact BM25 nDCG@10: 0.648 with the built-in expansion, 0.679).
    - Each clause is one term under the filter, `(F t1) | (F t2)`, never `(t1 | t2) F`: as the
      follower of an intersection, a union stops at its first matching child, so a chunk would
      score on some of its matching terms only, depending on inverted-index sizes.
    - The source tag would score like a term, with an IDF that depends on how the index was built
      (0 in one index, 35 in a copy of it), outweighing every word: it gets weight 0. RediSearch
      2.10 keeps that weight only on a union of tag values, so a single source is written twice.
    """
    words: dict[str, None] = {}
    for term in terms:
        root = stem(term)
        if root in STOPWORDS:
            continue
        words.setdefault(root, None)
        words.setdefault("\\+" + root, None)
    if sources is None:
        return " | ".join(words)
    union = list(sources) * 2 if len(sources) == 1 else list(sources)
    flt = f"{Tag('source') == union}=>{{$weight:0.0}}"
    return " | ".join(f"({flt} {w})" for w in words)
