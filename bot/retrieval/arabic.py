"""Arabic words on the question side: orthographic folding and light-stemmed forms.

Snowball's Arabic stemmer (what RediSearch stems Arabic chunks with) strips a word towards its
root, so words of one root but different meaning meet (اهمية "importance" and اهم "most
important" both give اهم; الفلكية "astronomical" gives فلك "orbit"): the stem finds the page,
but ranks it no better than pages sharing only the root. Light stemming, which only takes off the
conjunction و and the definite article with the prepositions written onto it (ال, وال, بال, كال,
فال, لل), keeps the word's meaning and is the stronger keyword match for Arabic (Larkey,
Ballesteros & Connell, "Light Stemming for Arabic Information Retrieval", 2007: their light10).

RediSearch keeps every word as written beside its stem, so nothing new has to be indexed: a question
word is asked also in every form its light stem is written in (its light stem alone and with each
of those prefixes), as written, besides its Snowball stem. Only Arabic gets these forms: English's
and the other Snowball stemmers take off suffixes only, and asking every question's words also as
written cost the English sets 0.03 nDCG@10 (README, "Languages, identifiers and fusion").

Questions are often typed without hamza or with ى for final ي (هى for هي, الى for إلى): folding
both sides of the stopword comparison keeps such function words out of the query.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Harakat (fathatan .. sukun), superscript alef and tatweel: written or not, the same word.
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
# light10's prefixes, longest first; و alone only on words of more than 3 letters, the rest when
# at least 2 letters remain (the paper's conditions).
ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
CONJUNCTION = "و"
PREFIXES = (*ARTICLES, CONJUNCTION)
HAS_ARABIC = re.compile("[\u0600-\u06ff]")


def fold(word: str) -> str:
    """`word` without diacritics and tatweel, hamza-carrying alefs as bare alef, ى as ي."""
    return _MARKS.sub("", word).translate(_FOLD)


def light_stem(word: str) -> str:
    """`word` without a leading و (words of 4 letters or more) and then without a leading article
    (ال and its prefixed forms, at least 2 letters left): light10's prefix rules."""
    if word.startswith(CONJUNCTION) and len(word) > 3:
        word = word[1:]
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article):]
    return word


@lru_cache(maxsize=10_000)
def written_forms(word: str) -> tuple[str, ...]:
    """The forms `word`'s light stem is written in, as they stand in a text: the light stem, and
    the light stem after each of PREFIXES (كتاب -> كتاب, الكتاب, والكتاب, بالكتاب, ...). A word
    that is not Arabic: none."""
    if not HAS_ARABIC.search(word):
        return ()
    core = light_stem(word)
    return (core, *(prefix + core for prefix in PREFIXES))


def is_stopword(word: str, stopwords: frozenset[str]) -> bool:
    """Whether `word` is one of `stopwords` once both are folded (هى is هي, الى is إلى)."""
    return fold(word) in _folded(stopwords)


@lru_cache(maxsize=8)
def _folded(stopwords: frozenset[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in stopwords)
