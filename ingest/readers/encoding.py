"""Bytes to text for files and zip entry names written in any encoding, not only UTF-8.

Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32: Notepad's "Unicode" is UTF-16 with a BOM, and
UTF-16 is full of NUL bytes, so the binary check comes after it); then NUL bytes mean binary; then
strict UTF-8; then charset-normalizer's candidates. On short inputs (a CSV of five rows, two file
names) charset-normalizer often ranks a neighbour code page first (cp1250 for Excel's cp1252, cp949
for GBK), so its candidates, plus the code pages the usual writers use, are ranked by how plausible
the decoded characters are for that code page's language (a Korean reading must be common Hangul, a
Chinese one common Hanzi, a Western one Latin letters), then by how common the code page is.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from ingest.documents import ReaderError

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# What the usual writers of files use, most common first: Excel and Notepad on Western, Chinese,
# Japanese, Korean, Taiwanese and Cyrillic Windows.
# Korean before Chinese: both are EUC-shaped, but Chinese text read as Korean breaks into Hanja
# (which the Korean test refuses) while Korean read as Chinese looks like common Hanzi.
TEXT_PREFERENCE = ("cp1252", "cp949", "gb18030", "cp932", "big5", "cp1250", "cp1251", "iso8859_15")
# Zip tools without the UTF-8 flag write names in the DOS ("OEM") code page of the system.
ZIP_NAME_PREFERENCE = ("cp437", "cp850", "cp949", "gb18030", "cp932", "big5", "cp866", "cp1252")
# Each code page's "core" repertoire: the characters its language's writers really use.
_CORE = {
    "gb18030": "gb2312", "gbk": "gb2312", "gb2312": "gb2312", "cp936": "gb2312", "hz": "gb2312",
    "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
    "cp932": "shift_jis", "shift_jis": "shift_jis", "shift_jis_2004": "shift_jis", "shift_jisx0213": "shift_jis",
    "euc_jp": "shift_jis", "euc_jis_2004": "shift_jis", "euc_jisx0213": "shift_jis", "iso2022_jp": "shift_jis",
    "cp949": "euc_kr", "euc_kr": "euc_kr", "johab": "euc_kr",
}
_LATIN = ("cp1252", "cp437", "cp850", "cp858", "latin_1", "iso8859_15", "cp1250", "cp1257", "cp852", "cp775",
          "mac_roman", "mac_latin2", "iso8859_2", "cp1254", "cp857", "cp860", "cp861", "cp863", "cp865")
_CYRILLIC = ("cp1251", "cp866", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp855", "cp1125")
_SAMPLE = 64 * 1024
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=|<\?xml[^>]+encoding\s*=", re.IGNORECASE)
_GOOD_ENOUGH = 0.9  # plausibility our own best reading needs when charset-normalizer found none
_FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SYMBOLS = set("€£¥¢©®™°±µ·§¶«»¿¡–—‘’‚“”„•…×÷½¼¾²³¹ºª\u00a0")


def decode_text(data: bytes, what: str = "text") -> str:
    """`data` as text. Raises ReaderError "binary content, not {what}" for data with NUL bytes (and
    no UTF-16/32 BOM) or that no encoding reads plausibly."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise ReaderError(f"damaged {encoding.upper()} text (invalid byte at offset {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise ReaderError(f"binary content, not {what} (the extension does not match the file)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in rank_encodings([data], TEXT_PREFERENCE):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue  # the sample read well, a later byte does not: the next best
    raise ReaderError(f"binary content, not {what}: not UTF-8 (invalid byte at offset {first_bad}) "
                      "and no other encoding reads it")


def guess_encoding(samples: list[bytes], preference: tuple[str, ...]) -> str | None:
    """The code page that reads every sample most plausibly, or None (binary, most likely)."""
    ranked = rank_encodings(samples, preference)
    return ranked[0] if ranked else None


def rank_encodings(samples: list[bytes], preference: tuple[str, ...]) -> list[str]:
    """Encodings that read the samples, most plausible first; empty when none reads them well.
    Samples are judged together (two short zip entry names agree on one code page); only the first
    64 KiB from the first non-ASCII byte are judged, and `preference` breaks ties (earlier is more common)."""
    joined = b"\n".join(samples)
    # Judge from where the non-ASCII text starts: a long English preamble tells no encoding apart.
    first = _FIRST_NON_ASCII.search(joined)
    start = max(0, first.start() - 1024) if first else 0  # bytes before `first` are ASCII: a clean cut
    sample = joined[start: start + _SAMPLE]
    detected = [m.encoding for m in from_bytes(sample)]
    ranked: list[tuple[float, int, str]] = []
    for rank, encoding in enumerate(dict.fromkeys([*preference, *detected])):
        text = _decode_sample(sample, encoding, cut=len(joined) > start + _SAMPLE)
        if text is not None:
            ranked.append((-_plausibility(text, encoding), rank, encoding))
    ranked.sort()
    if not ranked or (not detected and ranked[0][0] > -_GOOD_ENOUGH):
        return []  # charset-normalizer found no reading and ours is poor
    return [encoding for _, _, encoding in ranked]


def _decode_sample(sample: bytes, encoding: str, cut: bool) -> str | None:
    # A sample cut from a longer file may end inside a multi-byte character: drop up to 3 bytes.
    for drop in range(4 if cut else 1):
        try:
            return sample[: len(sample) - drop].decode(encoding)
        except UnicodeDecodeError:
            continue
        except LookupError:
            return None
    return None


def _plausibility(text: str, encoding: str) -> float:
    """The share of non-ASCII characters that a writer of `encoding` would plausibly have typed."""
    total = plausible = 0
    for m in _NON_ASCII.finditer(text):
        run = m.group()
        total += len(run)
        if encoding in _LATIN:
            # Western text has an accent or two in a word, never "ÐÕÃû" (GBK read as cp1252).
            letters = sum(unicodedata.name(c, "").startswith("LATIN") for c in run)
            ok = letters <= 2 and all(c in _SYMBOLS or unicodedata.name(c, "").startswith("LATIN") for c in run)
            plausible += len(run) if ok else 0
        elif encoding in _CYRILLIC:
            # Cyrillic words are all Cyrillic: "Pшнliљ" is Czech read as cp1251.
            around = text[max(0, m.start() - 1): m.start()] + text[m.end(): m.end() + 1]
            ok = not any(c.isascii() and c.isalpha() for c in around)
            plausible += sum(ok and (c in _SYMBOLS or unicodedata.name(c, "").startswith("CYRILLIC")) for c in run)
        else:
            plausible += sum(_plausible_cjk(c, encoding) for c in run)
    controls = len(_CONTROLS.findall(text))
    return plausible / (total + controls) if total + controls else 1.0


def _plausible_cjk(c: str, encoding: str) -> bool:
    if c in _SYMBOLS or 0x3000 <= ord(c) <= 0x303F or 0xFF01 <= ord(c) <= 0xFF5E:
        return True  # common punctuation, CJK punctuation and full-width forms
    core = _CORE.get(encoding)
    if core is None:
        return unicodedata.category(c).startswith("L")
    if core == "euc_kr" and not unicodedata.name(c, "").startswith("HANGUL"):
        return False  # Hanja inside Korean text is rare; Hanzi read as Korean is a mix of both
    if 0xFF61 <= ord(c) <= 0xFF9F:
        return False  # half-width katakana: long out of use, but what Big5 read as cp932 gives
    try:
        # Python's euc_kr writes a syllable outside KS X 1001 as 8 bytes of jamo: not "core".
        return len(c.encode(core)) == 2
    except UnicodeEncodeError:
        return False


def html_markup(data: bytes) -> str | bytes:
    """HTML for the parser: the bytes as they are when the page declares its charset (the parser
    honours it), else the text decoded as decode_text does. Raises ReaderError as decode_text."""
    if not data.startswith(tuple(bom for bom, _ in _BOMS)) and _DECLARED_CHARSET.search(data[:4096]):
        if b"\x00" in data[:8192]:
            raise ReaderError("binary content, not HTML (the extension does not match the file)")
        return data
    return decode_text(data, "HTML")
