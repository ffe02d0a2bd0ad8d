"""Turning a user's question into safe full-text search terms.

A question never reaches RediSearch's query parser raw: it is split into word tokens, stopwords
are dropped (a union starting with two stopwords crashes RediSearch 2.10, see VERIFIED-STACK.md),
and only plain word characters remain, so `|`, `@field:`, `-`, `*`, `%`, `~`, `{}`, `$` and quotes
are just text that cannot change the query.

Words are stemmed in the question's language (bot.retrieval.languages), as RediSearch stems each
chunk in its own; tokens the index holds as written (CJK n-grams, Chinese segments, joined
identifiers: bot.retrieval.tokens) are asked for as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from redisvl.query.filter import Tag
from redisvl.utils.stopwords import get_stopwords

from bot.retrieval.arabic import is_stopword, written_forms
from bot.retrieval.languages import (
    normalise,
    question_language,
    redisearch_language,
    stem,
    stemmer_language,
)
from bot.retrieval.tokens import (
    WORD,
    chinese_runs,
    cjk_grams,
    fused_forms,
    identifier_forms,
    joined_runs,
    version_forms,
)

# RediSearch's own default stopword list, in case a language list lacks one of them.
REDISEARCH_STOPWORDS = frozenset(
    [
        "a", "is", "the", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "it",
        "no", "not", "of", "on", "or", "such", "that", "their", "then", "there", "these", "they", "this", "to",
        "was", "will", "with"
    ]
)
STOPWORDS = frozenset(get_stopwords("english")) | REDISEARCH_STOPWORDS
_TOKEN = WORD  # words, cut where CJK and other scripts meet (bot.retrieval.tokens)
_WORD_OR_MARK = re.compile(f"{WORD.pattern}|\\S")
_EXACT = re.compile(r"[^\W_]+(?:_[^\W_]+)*")  # tokens asked for as written: words joined by "_"
MAX_TERMS = 48
MAX_FORMS = 64  # Arabic light-stemmed forms asked as written (bot.retrieval.arabic), per question
MAX_TERM_CHARS = 64
_STOPWORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {"english": STOPWORDS}


def stopwords(language: str) -> frozenset[str]:
    """Words not worth searching for in `language` (redisvl's lists; English's always apply: they
    are RediSearch's index stopwords)."""
    found = _STOPWORDS_BY_LANGUAGE.get(language)
    if found is None:
        try:
            extra = frozenset(get_stopwords(language))
        except ValueError:  # no list for this language
            extra = frozenset()
        found = _STOPWORDS_BY_LANGUAGE.setdefault(language, STOPWORDS | extra)
    return found


def search_terms(text: str, language: str = "english") -> list[str]:
    """Distinct lower-case word tokens worth searching for, in order of first appearance."""
    seen: dict[str, None] = {}
    skip = stopwords(language)
    for tok in _TOKEN.findall(text.lower()):
        if tok in skip or len(tok) > MAX_TERM_CHARS:
            continue
        if len(tok) == 1 and tok.isascii():
            continue  # single letters match everything and nothing useful
        seen.setdefault(tok, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


@dataclass(frozen=True)
class Keywords:
    """What a question is searched for by keyword: `terms` stemmed in `language` (a Snowball name,
    "" for none), `exact` tokens as written, `han` runs for the index to segment as Chinese, and
    `forms`: Arabic words' light-stemmed forms (bot.retrieval.arabic), asked as written on top of
    their stems."""

    terms: list[str]
    language: str = "english"
    exact: list[str] = field(default_factory=list)
    han: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.exact or self.han)


def keywords(text: str, indexed: frozenset[str] | None = None) -> Keywords:
    """The keyword side of a question (NFKC-normalised first, as chunks are at ingest). `indexed`:
    the languages the index holds (bot.retrieval.languages.question_language)."""
    text = normalise(text)
    code = question_language(text, indexed)
    language = stemmer_language(code) if code else "english"
    skip = stopwords(redisearch_language(code))
    terms = search_terms(text, redisearch_language(code))
    forms: list[str] = []
    if language == "arabic":
        terms = [t for t in terms if not is_stopword(t, skip)]
        forms = [form for t in terms for form in written_forms(t)][:MAX_FORMS]
    joined, parts = identifier_forms(text)
    for part in parts:
        if part not in terms and part not in skip:
            terms.append(part)
    exact = joined + version_forms(text) + [gram for gram in cjk_grams(text) if gram not in skip]
    for run in _runs(text, skip):
        exact += joined_runs(run)
    if indexed is not None and "chinese" in indexed:
        # Chinese chunks hold identifiers fused (bot.retrieval.tokens.fused_forms); a fused form
        # that is a word of the question already (mRNA -> mrna) would count that word twice.
        exact += [f for f in fused_forms(joined) if f not in terms]
    # Chinese segments come from the index's own segmenter (friso), so they match what it indexed;
    # Japanese and Korean (kana, hangul) are left to the n-grams.
    han = chinese_runs(text)
    return Keywords(terms[:MAX_TERMS], language, list(dict.fromkeys(exact))[:MAX_TERMS], han,
                    list(dict.fromkeys(forms)))


def _runs(text: str, skip: frozenset[str]) -> list[list[str]]:
    """Runs of consecutive ASCII words with only spaces between them, split at stopwords."""
    runs: list[list[str]] = [[]]
    for match in _WORD_OR_MARK.finditer(text):
        word = match.group().lower()
        if not word.isalnum() or word in skip or not word.isascii():
            runs.append([])
        else:
            runs[-1].append(word)
    return [r for r in runs if len(r) > 1]


def full_text_query(terms: list[str], sources: list[str] | None, language: str = "english",
                    exact: Sequence[str] = (), forms: Sequence[str] = ()) -> str:
    """A RediSearch query (run with VERBATIM) for any of `terms` (from search_terms), each matched in
    any of its forms (stemmed in `language`, a Snowball name; "": unstemmed) and counted once, or
    any of the `exact` tokens as written, in chunks of `sources` (None: all), which do not score.

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
    skip = stopwords(language or "english")
    for term in terms:
        root = stem(term, language)
        if root in skip:
            continue
        words.setdefault(root, None)
        if root != term or language:
            words.setdefault("\\+" + root, None)
    for token in exact:
        if _EXACT.fullmatch(token):
            words.setdefault(token, None)
    clauses = list(words)
    # Written forms are clauses of their own even when a stem above is spelt the same: a chunk
    # holding the word as asked scores for it on top of its stem (bot.retrieval.arabic).
    clauses += [token for token in dict.fromkeys(forms) if _EXACT.fullmatch(token)]
    if not clauses:
        return ""
    if sources is None:
        return " | ".join(clauses)
    union = list(sources) * 2 if len(sources) == 1 else list(sources)
    flt = f"{Tag('source') == union}=>{{$weight:0.0}}"
    return " | ".join(f"({flt} {w})" for w in clauses)
