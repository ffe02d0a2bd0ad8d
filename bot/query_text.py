"""Turning a user's question into safe full-text search terms.

A question never reaches RediSearch's query parser raw: it is split into word tokens, stopwords
are dropped (a union starting with two stopwords crashes RediSearch 2.10, see VERIFIED-STACK.md),
and only plain word characters remain, so `|`, `@field:`, `-`, `*`, `%`, `~`, `{}`, `$` and quotes
are just text that cannot change the query.
"""

from __future__ import annotations

import re

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
