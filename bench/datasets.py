"""The evaluation sets retrieval is measured (and its fusion fitted) on: BEIR-format folders in the
shared data beside the repository (LOREBOT_SHARED_DATA, default ../shared), plus the short
title-keyword sets bench.short_queries makes from SciFact's titles."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LOREBOT_SHARED", REPO.parent / "shared"))


@dataclass(frozen=True)
class EvalSet:
    name: str
    path: Path
    split: str
    titles: str = ""  # "title" / "title-misspelt": queries made from the corpus titles (bench.short_queries)

    @property
    def present(self) -> bool:
        return (self.path / "corpus.jsonl").is_file()


EVAL_SETS = [
    EvalSet("scifact", SHARED / "data" / "scifact-dev", "train"),
    EvalSet("scifact-titles", SHARED / "data" / "scifact-dev", "train", titles="title"),
    EvalSet("scifact-titles-misspelt", SHARED / "data" / "scifact-dev", "train", titles="title-misspelt"),
    EvalSet("msmarco", SHARED / "data" / "msmarco-subset50", "test"),
    EvalSet("arcd", SHARED / "data" / "arcd-subset50", "test"),
    EvalSet("cjk-chinese", SHARED / "cases" / "cjk-chinese-eval", "test"),
    EvalSet("cjk-english", SHARED / "cases" / "cjk-english-eval", "test"),
]
