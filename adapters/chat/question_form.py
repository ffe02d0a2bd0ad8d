"""Whether a message posted in a channel is a question Lorebot could answer unasked (auto mode): a
question mark in any script, or a question by its form (an interrogative word or a verb-first
question opening the message) in the languages support channels use most; never a greeting, a
thank-you, an announcement, or a message too short to mean anything.

Rules, not a model: they run on every message of a busy channel, must be the same in every process,
and their mistakes must be easy to explain. A miss costs little (people still answer; a mention
still works); a false alarm costs an answer nobody asked for, which the confidence threshold and
the wait for people already guard against.
"""

from __future__ import annotations

import re
import unicodedata

# ? in Latin, Greek (;), Arabic/Persian/Urdu, Armenian, Ethiopic, full-width (CJK), and ¿ opening Spanish.
QUESTION_MARKS = "?？؟;՞፧¿⸮"
_QUESTION_MARK = re.compile(r"[?？؟՞፧¿⸮]|(?<=\w);(?=\s*$)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words that open a question, by language (lower case, accents kept): interrogatives, and the verbs
# or particles questions start with where word order marks them (English, German, Dutch,
# Scandinavian...). Only the first word or two of a message are looked at.
_OPENER_WORDS = """
how what why when where which who whom whose can could does do did is are was were will would should
shall may might has have had anyone anybody any wie was warum wieso weshalb wann wo woher wohin
welche welcher welches wer kann können könnte gibt hat haben ist sind muss müssen soll sollte darf
weiß comment quoi pourquoi quand où quel quelle quels quelles qui combien est-ce peut-on peux-tu
pouvez-vous cómo como qué que por cuándo dónde donde cuál cuáles quién quiénes cuánto puedo puede
hay alguien perché quando dove quale quali chi quanto posso può c'è qualcuno porque onde qual quais
quem quanto posso pode alguém hoe wat waarom wanneer waar welke wie kan kun moet heeft zijn hur vad
varför när var vilken vilka vem kan finns har hvordan hvad hvorfor hvornår hvor hvilken hvem kan jak
co dlaczego kiedy gdzie który która kto czy można как что почему зачем когда где какой какая какие
кто можно есть ли як що чому коли де який хто чи nasıl ne neden niçin nerede hangi kim mı mi
"""
OPENERS = frozenset(_OPENER_WORDS.split())
# Words a question ends on, where the language marks questions at the end (Japanese か, Chinese 吗/呢,
# Korean 까/요 forms, Turkish mı/mi, Finnish -ko/-kö as a separate particle in chat).
CLOSERS = ("か", "吗", "嗎", "呢", "까", "나요", "ですか", "ますか")
# Phrases whose messages are small talk, not questions about documents.
GREETINGS = re.compile(
    r"^(hi|hello|hey|hiya|yo|morning|good (morning|afternoon|evening)|thanks|thank you|thx|ty|cheers|"
    r"welcome|bye|hallo|moin|servus|bonjour|salut|merci|hola|gracias|ciao|grazie|olá|obrigad[oa]|"
    r"hej|tack|привет|спасибо|こんにちは|ありがとう|你好|谢谢)\b[\s,!.:;)-]*"
    r"(all|everyone|team|folks|guys|y'all|there|@\w+)?[\s,!.:;)-]*$", re.IGNORECASE)
SMALL_TALK = re.compile(r"\b(how are (you|u|y'all)|how's it going|how is everyone|what's up|wie geht'?s|"
                        r"ça va|comment ça va|qué tal|come stai|tudo bem)\b", re.IGNORECASE)
ANNOUNCEMENT = re.compile(r"^\W*(announcement|heads[- ]up|reminder|fyi|psa|update|release notes?|"
                          r"ankündigung|annonce|anuncio|hinweis)\b|^\W*(📢|📣|🚨|🎉)|<!(channel|here|everyone)>|"
                          r"@(channel|here|everyone)\b", re.IGNORECASE)
MIN_WORDS = 3  # "why?", "ok?": nothing to search for
MIN_CJK_CHARS = 4


def _cjk(text: str) -> int:
    return sum(1 for ch in text if unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")))


def is_question(text: str) -> bool:
    """True when `text` (plain text, markup removed) reads as a question worth answering."""
    flat = " ".join(text.split())
    if not flat or GREETINGS.match(flat) or ANNOUNCEMENT.search(flat):
        return False
    words = _WORD.findall(flat.lower())
    cjk = _cjk(flat)
    if len(words) < MIN_WORDS and cjk < MIN_CJK_CHARS:
        return False
    if SMALL_TALK.search(flat) and len(words) <= 8:
        return False
    if _QUESTION_MARK.search(flat):
        return True
    first = " ".join(words[:2])
    if words[0] in OPENERS or first in OPENERS:
        return True
    stripped = flat.rstrip(" .!。！")
    return any(stripped.endswith(closer) for closer in CLOSERS)
