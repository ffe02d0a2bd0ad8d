"""Short entity-like query sets made from a BEIR corpus's titles, to check that hybrid retrieval holds
up where one side is weak.

- "title keywords": the three rarest words of a document's title ("cerebral diffusion tensor");
  the document itself is the one relevant answer. Both sides usually do well.
- "title keywords, misspelt": the same words, each with two neighbouring letters swapped, as people
  type in chat ("cerebarl diffuison tesnor"). BM25 matches no misspelt word; word pieces still carry
  meaning for the embedding model.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from bot.retrieval.query_text import STOPWORDS
from ingest.evaluation.dataset import Judged

_WORD = re.compile(r"[a-z][a-z\-]{3,}")


def _titles(corpus: Path) -> dict[str, str]:
    titles: dict[str, str] = {}
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            if obj.get("title"):
                titles[str(obj["_id"])] = obj["title"]
    return titles


def misspell(word: str) -> str:
    """Swap two neighbouring letters inside the word (never the first one)."""
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :] if word[i] != word[i - 1] else word[:-1]


def title_queries(root: Path, n: int = 300, misspelt: bool = False, seed: int = 7) -> Judged:
    titles = _titles(root / "corpus.jsonl")
    words = {doc: [w for w in _WORD.findall(t.lower()) if w not in STOPWORDS] for doc, t in titles.items()}
    df = Counter(w for ws in words.values() for w in set(ws))
    docs = sorted(d for d, ws in words.items() if len(set(ws)) >= 3)
    picked = random.Random(seed).sample(docs, min(n, len(docs)))
    queries: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    for i, doc in enumerate(picked):
        rare = sorted(set(words[doc]), key=lambda w: (df[w], w))[:3]
        ordered = [w for w in dict.fromkeys(words[doc]) if w in rare]  # the title's own order
        text = " ".join(misspell(w) if misspelt else w for w in ordered)
        queries[f"t{i}"] = text
        qrels[f"t{i}"] = {doc: 1}
    return Judged("title-misspelt" if misspelt else "title", queries, qrels)

