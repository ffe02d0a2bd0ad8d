"""Theme labels: each theme's most telling words, by class-based TF-IDF (c-TF-IDF).

Words come from the search tokeniser (bot.retrieval.query_text: lower-case word tokens without
stopwords), compared by their Snowball stem and shown in their most frequent written form. Scripts
written without spaces (Chinese, Japanese, Korean) have no word tokens to speak of: their runs are cut
into overlapping character pairs (pairs with hiragana, which in Japanese mostly spell grammar, are
left out), and adjacent winning pairs are joined back into one term.

Weight of term t in class c (Grootendorst 2022, "BERTopic", eq. 1): W(t, c) = tf(t, c) * log(1 + A / f(t)),
where tf(t, c) is the number of the class's questions containing t, f(t) the number of all questions
containing t, and A the average number of terms per class. A background class (the other questions of
the period) takes part in f(t) and A without being labelled, so words common to every question lose.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from redisvl.utils.stopwords import get_stopwords

from bot.retrieval.query_text import search_terms, stem

# Labels drop the grammar words of the languages people commonly ask in (search keeps them: a
# question's words are matched as asked). Until the search tokeniser knows languages, this union does.
LABEL_STOPWORDS = frozenset().union(*(get_stopwords(lang) for lang in (
    "english", "german", "french", "spanish", "italian", "portuguese", "dutch")))
_HIRAGANA = re.compile(r"[\u3040-\u309f]")  # Japanese grammar (particles, endings) borders content words
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
TERMS_PER_LABEL = 3


def terms_of(text: str) -> list[tuple[str, str]]:
    """(key, written form) of each distinct term of `text`: stems for words, character pairs for runs
    of CJK script."""
    found: dict[str, str] = {}
    for token in search_terms(text):
        runs = _CJK.findall(token)
        if runs:
            for run in runs:
                for i in range(max(1, len(run) - 1)):
                    pair = run[i:i + 2]
                    if not _HIRAGANA.search(pair):
                        found.setdefault(pair, pair)
            rest = _CJK.sub(" ", token).split()
        else:
            rest = [token]
        for word in rest:
            if (len(word) > 1 or not word.isascii()) and word not in LABEL_STOPWORDS:
                found.setdefault(stem(word), word)
    return list(found.items())


def label_classes(classes: list[list[str]], background: list[str] = (), n_terms: int = TERMS_PER_LABEL) -> list[str]:  # type: ignore[assignment]
    """A label for each class of question texts: its `n_terms` highest-weighted terms, joined by " · "
    ("" for a class without terms)."""
    per_class: list[Counter[str]] = []
    written: dict[str, Counter[str]] = {}
    everywhere: Counter[str] = Counter()
    for texts in [*classes, list(background)]:
        tf: Counter[str] = Counter()
        for text in texts:
            for key, form in terms_of(text):
                tf[key] += 1
                written.setdefault(key, Counter())[form] += 1
        per_class.append(tf)
        everywhere.update(tf)
    average = sum(sum(tf.values()) for tf in per_class) / max(1, len(per_class))
    labels = []
    for tf in per_class[:len(classes)]:
        weights = {t: n * math.log(1 + average / everywhere[t]) for t, n in tf.items()}
        ranked = sorted(weights, key=lambda t: (-weights[t], t))
        labels.append(" · ".join(_join_pairs(ranked[:n_terms * 3], weights, written)[:n_terms]))
    return labels


def _join_pairs(ranked: list[str], weights: dict[str, float], written: dict[str, Counter[str]]) -> list[str]:
    """Written forms of the best terms, with overlapping CJK pairs chained back into longer terms
    ("パス", "スワ", "ワー", "ード" -> "パスワード")."""
    out: list[str] = []
    used: set[str] = set()
    for term in ranked:
        if term in used:
            continue
        used.add(term)
        if _CJK.fullmatch(term) and len(term) == 2:
            chain = term
            extended = True
            while extended:
                extended = False
                for other in ranked:
                    if other in used or not (_CJK.fullmatch(other) and len(other) == 2):
                        continue
                    if other[0] == chain[-1]:
                        chain, extended = chain + other[1], True
                    elif other[1] == chain[0]:
                        chain, extended = other[0] + chain, True
                    else:
                        continue
                    used.add(other)
            out.append(chain)
        else:
            out.append(written[term].most_common(1)[0][0])
    return out
