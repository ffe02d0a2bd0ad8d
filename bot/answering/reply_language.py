"""Which of the notice languages (en, de, fr, es, pt, zh, ja, ko) a question is answered in, short
questions included: "Où est la cantine ?" must get French, "parking?" English.

Lingua, asked among its 33 languages (bot.retrieval.languages.question_language), is unsure of most
questions of a few words ("Où est la cantine ?": Finnish 0.25) or sure of a wrong one ("Passwort
vergessen?": Italian 0.93), and unsure means English. The choice here is among the notice languages
alone, in this order:

1. Script: hangul is Korean, kana Japanese, Chinese characters alone Chinese (when they outweigh the
   Latin letters: "WiFi密码？" is Chinese, "What does 报销 mean?" is not). Another script (Cyrillic,
   Arabic, ...) gets English.
2. A question of SHORT_LETTERS letters or more: lingua among all its languages, as before (a Dutch
   question gets English, not German).
3. A shorter one: lingua's confidence among English, German, French, Spanish and Portuguese alone,
   plus the words and letters only some of them write (stopwords, question words such as où,
   combien, wo, dónde, onde; ¿, ß, ã, è ...). Another language wins over English only by MARGIN and
   only with such a word or letter of its own: lingua's low-accuracy model alone calls "door code?"
   German (0.93) and "bonus payment" French (0.98), about as sure as it is of "Drucker kaputt".
   So a question of German nouns alone ("Passwort vergessen?") still gets English; telling those
   apart takes lingua's high-accuracy models, 150 MB more for these five languages.
"""

from __future__ import annotations

import re
from functools import lru_cache

from redisvl.utils.stopwords import get_stopwords

from bot.retrieval.languages import language_confidences, question_language
from bot.retrieval.tokens import HAN, HANGUL, HIRAGANA, KATAKANA

# The notice languages written in Latin letters, by their RediSearch (and stopword list) names.
LATIN = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "pt": "portuguese"}
SHORT_LETTERS = 40  # below this many letters lingua among 33 languages is often sure and wrong
MARGIN = 0.6  # measured on 150 short questions: below it, English two-word phrases turned German
_HANGUL = re.compile(f"[{HANGUL}]")
_KANA = re.compile(f"[{HIRAGANA}{KATAKANA}]")
_HAN = re.compile(f"[{HAN}]")
_WORD = re.compile(r"[^\W\d_]+")
# Question words a short question starts with, beyond the stopword lists.
_QUESTION_WORDS = {
    "en": "what where when who how why which can does do is are",
    "fr": "où combien comment quand quoi pourquoi quel quelle quels quelles qui",
    "de": "wo wie was wann wer warum welche welcher welches wieviel kann darf",
    "es": "dónde donde cuánto cuánta cuántos cuántas cómo cuándo cuando qué quién quiénes cuál",
    "pt": "onde quanto quanta quantos quantas como quando quem qual porquê posso",
}
# Letters (and marks) written by some of the five only; one found counts once, shared among them.
_LETTERS = {"¿": "es", "¡": "es", "ñ": "es", "ß": "de", "ä": "de", "ö": "de", "ü": "de pt", "ã": "pt", "õ": "pt",
            "ç": "fr pt", "è": "fr", "ê": "fr pt", "à": "fr pt", "ù": "fr", "û": "fr", "î": "fr", "ô": "fr pt",
            "œ": "fr", "ë": "fr", "é": "fr es pt", "á": "es pt", "í": "es pt", "ó": "es pt", "ú": "es pt", "â": "fr pt"}


def reply_language(question: str) -> str:
    """The notice language for `question` (see the module docstring); "en" when nothing else fits."""
    letters = [c for c in question if c.isalpha()]
    if not letters:
        return "en"
    cjk = sum(1 for c in letters if _HANGUL.match(c) or _KANA.match(c) or _HAN.match(c))
    latin = sum(1 for c in letters if c <= "\u024f")
    if cjk and cjk * 3 >= latin:  # a Chinese character or a Korean syllable is about a word
        return "ko" if _HANGUL.search(question) else "ja" if _KANA.search(question) else "zh"
    if latin * 2 < len(letters):
        return "en"
    if len(letters) >= SHORT_LETTERS:
        code = question_language(question)
        if code:
            return code if code in LATIN else "en"
    return _short(question)


@lru_cache(maxsize=4096)
def _short(question: str) -> str:
    text = question.lower()
    values = language_confidences(text, frozenset(LATIN.values()))
    cues = _cues(text)
    # Only a language with a word or letter of its own in the question can win over English.
    score = {code: values.get(code, 0.0) + cues[code] for code in LATIN if code == "en" or cues[code] > 0}
    best = max(score, key=lambda code: score[code])
    return best if score[best] - score["en"] >= MARGIN else "en"


def _cues(text: str) -> dict[str, float]:
    """How much `text`'s words and letters point at each of the five: each stopword or question word
    and each distinctive letter counts 1, shared among the languages that write it."""
    found = dict.fromkeys(LATIN, 0.0)
    for word in _WORD.findall(text):
        owners = [code for code in LATIN if word in _lexicon(code)]
        for code in owners:
            found[code] += 1 / len(owners)
    for letter, writers in _LETTERS.items():
        if letter in text:
            for code in writers.split():
                found[code] += 1 / len(writers.split())
    return found


@lru_cache(maxsize=len(LATIN))
def _lexicon(code: str) -> frozenset[str]:
    return frozenset(get_stopwords(LATIN[code])) | frozenset(_QUESTION_WORDS[code].split())
