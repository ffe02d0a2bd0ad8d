"""Search tokens RediSearch's own tokenizer cannot make: CJK n-grams and identifier forms.

Both the index (the chunk's `terms` field, written at ingest) and the question side use these same
functions, so whatever a chunk was indexed under, a question written the same way finds it.

- Chinese, Japanese and Korean have no spaces between words: RediSearch's default tokenizer keeps
  a whole clause as one token. Each run of one script (Han, Hiragana, Katakana, Hangul) becomes its
  character bigrams (a one-character run: itself). Korean writes particles onto the noun
  (회의실을, 회의실은, 회의실에서): the particle is cut off each word before its bigrams are made, so
  the particle never decides whether a page is found.
- Identifiers: RediSearch splits `user.email`, `v2.3.1`, `shipit-rollback` and `src/app/main.py` at
  the punctuation but keeps `DB_POOL_MAX_SIZE` whole; people type them whole, in parts, or in
  another case style. Each identifier becomes its parts (db pool max size, camelCase split too) and
  one joined form (db_pool_max_size, user_email, v2_3_1): `_` is no separator to RediSearch, so the
  joined form stays one token whichever way it was written.
- Scripts glued together: Japanese, Korean and Chinese put no space before a Latin word
  (キューの上限はQUEUE_MAX_ITEMSで設定します, Slack으로), and RediSearch's tokenizer splits only at ASCII
  punctuation and spaces, so its token holds both scripts and no question finds it. Identifiers
  and words are cut at every change between a CJK script and any other (`WORD`), on both sides;
  the Latin words glued to CJK text are terms of their own (as written and stemmed, as the text
  field would hold them had a space been there).
- Chinese chunks are cut by friso in every field, `terms` too, and friso cuts at "_": a joined form
  never reaches the index whole. It keeps a Latin run whole, so a Chinese chunk's `terms` hold
  each joined identifier fused (queuemaxitems, `fused_forms`), asked when the index holds Chinese.
- Versions: v2.3.1 and 2.3.1 both give 2_3_1 (`version_forms`), so either finds the other.
"""

from __future__ import annotations

import re

from bot.retrieval.languages import stem, stemmer_language

# Scripts, by code point ranges (the blocks CJK text is written in), for character classes: [{HAN}].
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HIRAGANA = r"\u3041-\u309f"
KATAKANA = r"\u30a0-\u30ff\u31f0-\u31ff"
HANGUL = r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_CJK_RUN = re.compile(f"[{HAN}]+|[{HIRAGANA}]+|[{KATAKANA}]+|[{HANGUL}]+")
_HAN_RUN = re.compile(f"[{HAN}]+")
_HANGUL_WORD = re.compile(f"[{HANGUL}]+")
_CJK = f"{HAN}{HIRAGANA}{KATAKANA}{HANGUL}"
HAS_CJK = re.compile(f"[{_CJK}]")
HAS_KANA_OR_HANGUL = re.compile(f"[{HIRAGANA}{KATAKANA}{HANGUL}]")
# Korean particles (josa) and the copula's common endings, longest first so 에서 is cut before 서.
_JOSA = sorted(
    "은 는 이 가 을 를 에 의 도 만 와 과 로 으로 에서 에게 께 께서 한테 부터 까지 "
    "보다 처럼 마다 이나 나 랑 이랑 하고 에는 에서는 으로는 로는 에도 에서도 "
    "으로도 와는 과는 이다 입니다 이에요 예요".split(),  # noqa: SIM905
    key=len, reverse=True,
)
MAX_TOKEN_CHARS = 64

# A letter or digit of a script written with spaces (Latin, Cyrillic, digits...): not CJK.
_W = f"[^\\W_{_CJK}]"
# A word: a run of such characters, or a run of CJK ones (cut where the scripts change).
WORD = re.compile(f"{_W}+|[{_CJK}]+")
# A word written directly against CJK text or its punctuation (、。「」: RediSearch does not split
# there either), so RediSearch's token would hold both scripts.
_CJK_MARKS = r"\u3000-\u303f"
_GLUED = re.compile(f"(?<=[{_CJK}{_CJK_MARKS}]){_W}+|{_W}+(?=[{_CJK}{_CJK_MARKS}])")
# A version: v2.3.1, 2.3.1, V10.0.2-rc1 (a bare pair like 0.5 is a decimal, not a version).
_VERSION = re.compile(f"(?<!{_W})(?<!\\.)([vV]?)(\\d+(?:\\.\\d+)+)(?!\\.?{_W})")
_NUMBERED = re.compile(r"v?[\d_]+")
# An identifier: word characters joined by . _ - / : (at least one joiner), or a camelCase word.
_IDENT = re.compile(f"{_W}+(?:[._\\-/:]+{_W}+)+|_*{_W}+(?:_+{_W}+)*_*")
_CAMEL = re.compile(r"[A-Z0-9]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")  # HTTPServer2 -> HTTP, Server2
_JOINERS = re.compile(r"[._\-/:]+")


def strip_josa(word: str) -> str:
    """A Korean word without the particle written onto its end (a one-syllable word is kept)."""
    for josa in _JOSA:
        if len(word) > len(josa) and word.endswith(josa):
            return word[: -len(josa)]
    return word


def cjk_grams(text: str) -> list[str]:
    """Character bigrams of each single-script CJK run of `text` (Korean words without their
    particles), a one-character run as itself; in order, repeats kept."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        if _HANGUL_WORD.fullmatch(run):
            run = strip_josa(run)
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def han_runs(text: str) -> list[str]:
    """The runs of Han characters in `text` (what friso segments in a Chinese chunk)."""
    return _HAN_RUN.findall(text)


def chinese_runs(text: str) -> list[str]:
    """The Han runs of `text` when it is written as Chinese (no kana or hangul: Japanese and Korean
    are left to the n-grams), for the index's Chinese segmenter; [] otherwise."""
    return han_runs(text) if HAS_CJK.search(text) and not HAS_KANA_OR_HANGUL.search(text) else []


def _parts(piece: str) -> list[str]:
    """A piece's camelCase parts (ASCII only: other scripts have no such convention)."""
    if not piece.isascii():
        return [piece.lower()]
    return [p.lower() for p in _CAMEL.findall(piece)]


def identifier_forms(text: str) -> tuple[list[str], list[str]]:
    """(joined forms, parts) of the identifiers in `text`: `DB_POOL_MAX_SIZE` gives
    (["db_pool_max_size"], ["db", "pool", "max", "size"]); `getUserEmail` gives
    (["get_user_email"], ["get", "user", "email"]). Plain words give nothing, and neither does a
    pair joined by - or . alone (IL-6, well-known, user.email: RediSearch indexes both parts, and a
    joined form would count the pair again, which costs SciFact 0.006 nDCG@10); paths, versions
    and longer chains (v2.3.1, a/b/c) keep their joined form."""
    joined: list[str] = []
    parts: list[str] = []
    for match in _IDENT.finditer(text):
        token = match.group().strip("_")
        pieces = [p for p in _JOINERS.split(token) if p]
        split = [part for piece in pieces for part in _parts(piece)]
        if len(split) < 2 or not any(c.isascii() for c in token):
            continue
        form = "_".join(split)
        camel = any(len(_parts(piece)) > 1 for piece in pieces)
        strong = "_" in token or "/" in token or camel or len(pieces) >= 3
        if strong and len(form) <= MAX_TOKEN_CHARS:
            joined.append(form)
        if len(pieces) > 1 and "_" not in token:
            # RediSearch already indexes the parts of user.email or shipit-rollback (it splits at
            # the punctuation); only underscore and camelCase parts are new.
            split = [part for piece in pieces if len(_parts(piece)) > 1 for part in _parts(piece)]
        parts.extend(p for p in split if len(p) > 1 or not p.isascii())
    return joined, parts


def version_forms(text: str) -> list[str]:
    """The bare joined form of each version in `text`, with or without its leading v: v2.3.1 and
    2.3.1 give 2_3_1 (identifier_forms gives v2_3_1 for the first), so a question writing it one
    way finds a page writing it the other. Two numbers need the v (v2.3) to be a version."""
    found = []
    for match in _VERSION.finditer(text):
        numbers = match.group(2).split(".")
        if match.group(1) or len(numbers) >= 3:
            found.append("_".join(numbers))
    return list(dict.fromkeys(found))


def fused_forms(joined: list[str]) -> list[str]:
    """Joined forms without their underscores (db_pool_max_size -> dbpoolmaxsize), for Chinese
    chunks; versions left out (v2_3_1 -> v231 would be a number like any other)."""
    return [j.replace("_", "") for j in joined if not _NUMBERED.fullmatch(j)]


def glued_words(text: str, language: str) -> list[str]:
    """The words of `text` written against CJK characters, lower-case, each as written and, where
    it differs, as its stem in `language`'s (ISO 639-1) stemmer: the `terms` field is unstemmed,
    and a question asks for a word's stem."""
    out: dict[str, None] = {}
    stemmer = stemmer_language(language)
    for word in _GLUED.findall(text):
        word = word.lower()
        out.setdefault(word, None)
        out.setdefault(stem(word, stemmer), None)
    return list(out)


def joined_runs(words: list[str], longest: int = 4) -> list[str]:
    """Consecutive words joined as an identifier would be: ["db", "pool", "max", "size"] gives
    db_pool, db_pool_max, db_pool_max_size, pool_max, ... (runs of 2 to `longest` words), so an
    identifier typed in parts finds the identifier written whole."""
    return ["_".join(words[i : i + n]) for i in range(len(words)) for n in range(2, longest + 1)
            if i + n <= len(words)]


def index_terms(text: str, language: str) -> str:
    """The `terms` field of a chunk in `language` (ISO 639-1): identifier and version forms, and,
    unless the chunk is Chinese (friso segments a Chinese chunk's every field, these included), the
    words glued to CJK text and CJK bigrams."""
    joined, parts = identifier_forms(text)
    words = joined + [v for v in version_forms(text) if v not in joined] + parts
    if language == "zh":
        words += fused_forms(joined)
    elif HAS_CJK.search(text):
        words += [w for w in glued_words(text, language) if w not in parts]
        words += cjk_grams(text)
    return " ".join(words)
