"""The words of a Korean or Japanese question as the index matches them, for confidence's coverage
(bot.answering.confidence): each word with the character bigrams it is searched by.

Search finds Korean and Japanese by bigrams (bot.retrieval.tokens), so whether a passage holds a
question's word is a matter of its bigrams too, not of the word as typed: 예약하나요 ("do I book?")
is no word of a page saying 예약하려면 ("to book"), but both hold 예약. Judged as typed, a question
written the usual way ("회의실을 어떻게 예약하나요?") had a third of its words covered by the very
page that answers it, and was declined.

- Korean: each word without its particle (strip_josa, as the index cuts it) and its verb ending
  (`korean_stem`: 예약하나요, 예약해요, 예약하려면 -> 예약), so the stem is what is looked for. The
  question words and helper verbs (어떻게, 어디, 있나요, 싶어요 ...) are dropped, as English drops
  "how" and "where" as stopwords: no page holds them for being about the topic.
- Japanese: the runs of kanji and of katakana (会議室, 予約, パスワード), which carry the content;
  the hiragana between them is particles and endings (は, を, しますか), looked at only when the
  question has nothing else.
"""

from __future__ import annotations

import re

from bot.retrieval.tokens import HAN, HAS_CJK, HAS_KANA_OR_HANGUL, HIRAGANA, KATAKANA, strip_josa

_HANGUL_WORD = re.compile(r"[\uac00-\ud7af]+")
_KANJI_OR_KATAKANA = re.compile(f"[{HAN}]+|[{KATAKANA}]+")
_HIRAGANA = re.compile(f"[{HIRAGANA}]+")
# Verb and adjective endings a question writes onto a stem, longest first; cut only where two
# syllables stay, so a noun of two (사고, 재고) is never cut.
_ENDINGS = sorted("나요 세요 어요 아요 여요 해요 돼요 까요 니까 니다 려면 려고 면 고 는 기 지 게 서 야 요".split(),  # noqa: SIM905
                  key=len, reverse=True)
# The syllable of 하다 / 되다 left on a verbal noun once its ending is cut (예약하, 승인되, 사용한).
_LIGHT_VERB = frozenset("하해했할한합되돼됐될된됩")
# Question words and helper verbs, as `korean_stem` leaves them: the Korean counterpart of English
# stopwords such as how, where, can.
KOREAN_FUNCTION_WORDS = frozenset(
    "어떻게 어떻 어디 어디서 언제 누가 누구 누 무엇 무엇인가요 뭐 뭔가요 뭔 뭘 왜 몇 어느 어떤 얼마 얼마나 "
    "해야 안 못 있나요 있어요 있습니까 있을까요 있 없나요 없어요 없습니까 하나요 해요 합니까 할까요 하 되나요 돼요 되 "
    "싶어요 싶습니다 싶은데 싶 주세요 알려주세요 알려 수 좀 제가 저는 저 우리".split()  # noqa: SIM905
)
JAPANESE_FUNCTION_WORDS = frozenset({"何", "誰", "何処", "何時", "何故"})  # what, who, where, when, why


def korean_stem(word: str) -> str:
    """A Korean word without its particle and verb ending: 예약하나요, 예약하는, 예약합니다 -> 예약;
    회의실을 -> 회의실. A noun keeps its own syllables (at least two)."""
    stem = strip_josa(word)
    for ending in _ENDINGS:
        if stem.endswith(ending) and len(stem) - len(ending) >= 2:
            stem = stem[: -len(ending)]
            break
    if len(stem) >= 3 and stem[-1] in _LIGHT_VERB:
        stem = stem[:-1]
    return stem


def bigrams(word: str) -> tuple[str, ...]:
    """The character bigrams of `word` (a one-character word: itself), as the index holds a run."""
    return (word,) if len(word) == 1 else tuple(word[i : i + 2] for i in range(len(word) - 1))


def gram_words(question: str) -> dict[str, tuple[str, ...]]:
    """The Korean and Japanese words of `question` (see the module docstring), each with its bigrams,
    in order; {} for a question with neither hangul nor kana (Chinese, or no CJK at all)."""
    if not HAS_KANA_OR_HANGUL.search(question):
        return {}
    words: list[str] = []
    for word in _HANGUL_WORD.findall(question):
        stem = korean_stem(word)
        if word not in KOREAN_FUNCTION_WORDS and stem not in KOREAN_FUNCTION_WORDS:
            words.append(stem)
    runs = [r for r in _KANJI_OR_KATAKANA.findall(question) if r not in JAPANESE_FUNCTION_WORDS]
    if not runs and not words:
        runs = _HIRAGANA.findall(question)
    words += runs
    return {w: bigrams(w) for w in words if HAS_CJK.search(w)}
