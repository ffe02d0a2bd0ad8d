"""Which language a text is in, and what that means for keyword search.

Chunks are labelled at ingest and questions when asked, with lingua (lingua-language-detector: its
n-gram models are compiled into the wheel, nothing is downloaded). Labels are ISO 639-1 codes
("en", "zh", ...); "" means "not sure". The index stems each chunk in its own language (RediSearch's
LANGUAGE_FIELD) when RediSearch has a stemmer for it, segments Chinese with its friso tokenizer, and
leaves every other language to its default (English) tokenizer plus the n-grams of
bot.retrieval.tokens. Text is repaired and NFKC-normalised first, questions and chunks alike (`normalise`).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import ftfy
import snowballstemmer

# ISO 639-1 -> the name RediSearch (FT.CREATE LANGUAGE / LANGUAGE_FIELD) knows; every one of these
# but Chinese is a Snowball stemmer that snowballstemmer has too, so a question is stemmed as the
# index stems. Source: RediSearch docs, "Stemming: supported languages" (the 2.10 list).
REDISEARCH_LANGUAGES: dict[str, str] = {
    "ar": "arabic", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch", "en": "english",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hu": "hungarian", "id": "indonesian",
    "ga": "irish", "it": "italian", "lt": "lithuanian", "nb": "norwegian", "nn": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "zh": "chinese",
}
CJK = frozenset({"zh", "ja", "ko"})
# What lingua chooses among: every language acted on above, plus Japanese and Korean (segmented by
# n-grams) and a few widespread ones that would otherwise be mistaken for a stemmed neighbour.
# Fewer candidates make detection faster (it scores each).
_DETECTED = [
    "ARABIC", "BASQUE", "CATALAN", "DANISH", "DUTCH", "ENGLISH", "FINNISH", "FRENCH", "GERMAN", "GREEK",
    "HUNGARIAN", "INDONESIAN", "IRISH", "ITALIAN", "LITHUANIAN", "BOKMAL", "NYNORSK", "PORTUGUESE",
    "ROMANIAN", "RUSSIAN", "SPANISH", "SWEDISH", "TAMIL", "TURKISH", "CHINESE", "JAPANESE", "KOREAN",
    "POLISH", "CZECH", "UKRAINIAN", "VIETNAMESE", "PERSIAN", "HEBREW",
]
SAMPLE_CHARS = 300  # a chunk's language is told from its first letters: enough, and detection is linear
MIN_CONFIDENCE = 0.5  # below this a question's language is "" (short questions are often ambiguous)

_detector: Any = None
_detector_lock = threading.Lock()


# ftfy's repairs (Speer, "ftfy", 2012-: the well-kept library for text decoded with the wrong codec):
# mojibake undone ("sheriffâ€™s" -> "sheriff's"; web and CSV exports that went through Latin-1 or
# cp1252 once too often), curly quotes and apostrophes made straight (Google Docs and Word type
# "team’s": RediSearch splits words at ' but not at ’, so "team" would not find it), control
# characters dropped, then NFKC. HTML entities are left as written: a page about HTML quotes "&amp;".
_REPAIR = ftfy.TextFixerConfig(unescape_html=False, normalization="NFKC", explain=False)


def normalise(text: str) -> str:
    """`text` as it is searched and indexed: mojibake repaired, quotes straightened, control
    characters dropped (ftfy), then NFKC: ligatures (ﬁ -> fi), full-width forms (ＡＢＣ１ -> ABC1),
    compatibility characters. Idempotent; length may change. About 50 µs for a question: one
    question is normalised by several steps of its search, so short texts are remembered."""
    return _short(text) if len(text) <= SHORT_TEXT else ftfy.fix_text(text, _REPAIR)


SHORT_TEXT = 4000  # a question and its thread context, not a document (which is normalised once, at ingest)


@lru_cache(maxsize=4096)
def _short(text: str) -> str:
    return ftfy.fix_text(text, _REPAIR)


def _lingua() -> Any:
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                _detector = _build(tuple(_DETECTED))
    return _detector


def _build(names: tuple[str, ...]) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    # Low accuracy mode: trigrams only, ~10x less memory and faster; measured the same labels on
    # SciFact and ARCD chunks.
    builder = LanguageDetectorBuilder.from_languages(*[getattr(Language, n) for n in names])
    return builder.with_low_accuracy_mode().build()


_LINGUA_NAMES = {"BOKMAL": "norwegian", "NYNORSK": "norwegian"}


@lru_cache(maxsize=64)
def _among(indexed: frozenset[str]) -> Any:
    """A detector choosing only among the RediSearch languages an index holds (faster, and never a
    language no chunk is in)."""
    names = tuple(n for n in _DETECTED if _LINGUA_NAMES.get(n, n.lower()) in indexed)
    return _build(names) if len(names) > 1 else None


def _letters(text: str) -> str:
    """The text without digits, punctuation and code-like runs, which say nothing of the language."""
    return "".join(c if c.isalpha() or c.isspace() else " " for c in text)


def letters(text: str) -> int:
    """How many letters `text` has (what detection has to go on)."""
    return sum(1 for c in text if c.isalpha())


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language (its first SAMPLE_CHARS letters), "" when it has no letters
    or none of the candidate languages fits."""
    sample = " ".join(_letters(text).split())[:SAMPLE_CHARS]
    if not sample:
        return ""
    found = _lingua().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else ""


@lru_cache(maxsize=4096)
def question_language(text: str, indexed: frozenset[str] | None = None) -> str:
    """ISO 639-1 code of a question's language, "" when unsure (a few words can fit several).
    `indexed`: the RediSearch languages of the chunks it is asked of (redisearch_language names);
    only those are candidates, and with one alone there is nothing to detect."""
    if indexed is not None and len(indexed) == 1:
        only = next(iter(indexed))
        return next((code for code, name in REDISEARCH_LANGUAGES.items() if name == only), "en")
    sample = " ".join(_letters(normalise(text)).split())[:SAMPLE_CHARS]
    if not sample:
        return ""
    detector = _among(indexed) if indexed else _lingua()
    if detector is None:  # none of the indexed languages is one lingua was asked to tell apart
        return ""
    values = detector.compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return ""
    return str(values[0].language.iso_code_639_1.name.lower())


def language_confidences(text: str, among: frozenset[str]) -> dict[str, float]:
    """Lingua's relative confidence in each of `among` (RediSearch language names, at least two) for
    `text`, by ISO 639-1 code; {} when `text` has no letters."""
    sample = " ".join(_letters(normalise(text)).split())[:SAMPLE_CHARS]
    detector = _among(among)
    if not sample or detector is None:
        return {}
    values = detector.compute_language_confidence_values(sample)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values}


def redisearch_language(code: str) -> str:
    """The LANGUAGE_FIELD value for a chunk in language `code`: its RediSearch name, or "english"
    (RediSearch's default tokenizer and stemmer) for any language it has no stemmer for."""
    return REDISEARCH_LANGUAGES.get(code, "english")


_STEMMERS: dict[str, Any] = {}


@lru_cache(maxsize=50_000)
def stem(word: str, language: str = "english") -> str:
    """Snowball stem in `language` (a Snowball/RediSearch name; "" leaves the word as it is). Pure
    Python, about 0.1 ms a word: worth remembering."""
    if not language:
        return word
    stemmer = _STEMMERS.get(language)
    if stemmer is None:
        stemmer = _STEMMERS.setdefault(language, snowballstemmer.stemmer(language))
    return str(stemmer.stemWord(word))


def stemmer_language(code: str) -> str:
    """The Snowball stemmer RediSearch applies to a chunk in language `code` ("" for Chinese: friso
    segments it, nothing is stemmed)."""
    name = redisearch_language(code)
    return "" if name == "chinese" else name
