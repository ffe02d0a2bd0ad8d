"""What the fake OpenAI server says: deterministic embeddings and a default answer that cites passage [1].

Both are pure functions, so tests can compute the expected result themselves.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

WORD = re.compile(r"\w+")
_PASSAGE_HEADER = re.compile(r"^\[(\d+)\][ \t]*(.*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

NO_ANSWER = "I don't know."
# Function words a fake embedding ignores (a real model gives them little weight too).
STOPWORDS = frozenset(
    "a an and are as at be but by can could did do does for from had has have how i if in into is it its me my "
    "no not of on or our should so such that the their then there these they this to was we what when where "
    "which who why will with would you your".split()
)
HASHES = 8


def hashed_embedding(text: str, dims: int) -> list[float]:
    """A bag of words hashed into `dims` signed buckets, L2-normalised: lower-cased word tokens with common
    function words (STOPWORDS) left out, so that, as with a real embedding model, a question and a passage
    on its topic are similar ("How do deploys work?" and "Deploys run from the release branch": cosine
    about 0.35) and unrelated texts are near 0.

    Text with no content word is hashed by its words, or whole, so the vector is never zero.
    """
    words = WORD.findall(text.lower())
    tokens = [w for w in words if w not in STOPWORDS] or words or [text]
    vec = np.zeros(dims, dtype=np.float64)
    for token in tokens:
        # Each word sets HASHES signed buckets, so two words that share one bucket by chance are far
        # less alike than two equal words (one bucket a word made chance collisions look like topics).
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8 * HASHES).digest()
        for k in range(HASHES):
            value = int.from_bytes(digest[8 * k : 8 * k + 8], "little")
            vec[value % dims] += 1.0 if (value >> 63) & 1 else -1.0
    norm = float(np.linalg.norm(vec))
    if norm == 0.0:  # every token cancelled out in one bucket
        vec[0], norm = 1.0, 1.0
    return (vec / norm).tolist()


def count_tokens(text: str) -> int:
    """Rough token count for the usage fields: one per word."""
    return len(WORD.findall(text))


def message_text(message: dict[str, Any]) -> str:
    """The text of a chat message whose content is a string or a list of content parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def parse_passages(text: str) -> dict[int, str]:
    """Numbered passages in a prompt: `{n: passage text}`.

    A passage starts at a line beginning with `[n]` (leading spaces allowed), e.g. `[1] Title — heading`;
    its text is every following line up to the next `[m]` line or the end. Leading blank lines and Markdown
    heading lines of that text are skipped; when nothing else remains, the rest of the `[n]` line itself is
    the text (for prompts that put the passage on one line). The first block numbered n wins.
    """
    passages: dict[int, str] = {}
    current: tuple[int, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is None or current[0] in passages:
            return
        lines = list(body)
        while lines and (not lines[0].strip() or _MD_HEADING.match(lines[0].strip())):
            lines.pop(0)
        passages[current[0]] = "\n".join(lines).strip() or current[1].strip()

    for line in text.splitlines():
        m = _PASSAGE_HEADER.match(line.strip())
        if m:
            close()
            current, body = (int(m.group(1)), m.group(2)), []
        elif current is not None:
            body.append(line)
    close()
    return passages


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    return _SENTENCE_END.split(flat, maxsplit=1)[0]


def cite_first_passage(messages: list[dict[str, Any]]) -> str:
    """The default reply: the first sentence of passage [1] followed by " [1]", or "I don't know."

    Messages are read from the last back, skipping assistant turns (earlier answers may cite "[1]"
    themselves); the first one holding passages is used, whether its role is user or system. When it has
    no passage [1], the lowest-numbered passage is cited.
    """
    for message in reversed(messages):
        if message.get("role") == "assistant":
            continue
        passages = parse_passages(message_text(message))
        if passages:
            n = 1 if 1 in passages else min(passages)
            sentence = first_sentence(passages[n])
            return f"{sentence} [{n}]" if sentence else NO_ANSWER
    return NO_ANSWER


_MARKER_ASKED = re.compile(r"reply with exactly one line, `?([A-Z][A-Z_]+)`?")


def follow_not_covered(messages: list[dict[str, Any]]) -> str:
    """A model that finds nothing in its passages and says so as the system prompt asks: the marker the
    prompt names ("reply with exactly one line, MARKER"), or "I don't know." when it names none."""
    system = next((message_text(m) for m in messages if m.get("role") == "system"), "")
    m = _MARKER_ASKED.search(system)
    return m.group(1) if m else NO_ANSWER


# The abstention threshold for Lorebots on these embeddings. Like any embedding model other than the one
# LOREBOT_ABSTAIN_THRESHOLD was fitted with, they have their own cosine scale: a bag of words dilutes over
# a long chunk, so a question and the page that answers it score about 0.25-0.5 (all-MiniLM-L6-v2: 0.6-0.9),
# while unrelated questions stay near 0 as with a real model (their confidence is below 0.01).
FAKE_ABSTAIN_THRESHOLD = "0.01"
