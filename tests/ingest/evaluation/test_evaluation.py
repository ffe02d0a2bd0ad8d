"""`lorebot eval`: metrics on toy rankings, BEIR loading, and a whole evaluation of a tiny dataset
through the real ingest, index and retriever (embeddings from the fake OpenAI server)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bot.retrieval.retriever import MODES
from ingest.documents import Document, Failure
from ingest.evaluation.dataset import DatasetError, load_judged
from ingest.evaluation.metrics import ndcg_at_k, recall_at_k
from ingest.evaluation.runner import run_eval
from ingest.export import Export
from ingest.readers import detect_kind, read_export

TOPICS = {
    "d1": ("Volcanoes", "Basalt lava flows from shield volcanoes in Hawaii."),
    "d2": ("Glaciers", "Glacier ice carves fjords in Norway over millennia."),
    "d3": ("Coral reefs", "Coral bleaching follows warm ocean water around reefs."),
    "d4": ("Deserts", "Sand dunes migrate across the Sahara with the wind."),
    "d5": ("Rainforests", "Rainforest canopies in the Amazon hold most species of frogs."),
    "d6": ("Tides", "The moon's gravity raises tides twice a day on ocean coasts."),
}
QUERIES = {"q1": "shield volcano lava", "q2": "fjords carved by glacier ice", "q3": "Amazon frogs canopy"}
QRELS = {"q1": {"d1": 1}, "q2": {"d2": 1}, "q3": {"d5": 2, "d3": 0}}


def write_beir(root: Path, corpus: dict[str, tuple[str, str]] = TOPICS, queries: dict[str, str] = QUERIES,
               qrels: dict[str, dict[str, int]] = QRELS, split: str = "test") -> Path:
    (root / "qrels").mkdir(parents=True, exist_ok=True)
    (root / "corpus.jsonl").write_text("".join(
        json.dumps({"_id": d, "title": t, "text": x}) + "\n" for d, (t, x) in corpus.items()))
    (root / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t in queries.items()))
    rows = [f"{q}\t{d}\t{g}" for q, docs in qrels.items() for d, g in docs.items()]
    (root / "qrels" / f"{split}.tsv").write_text("query-id\tcorpus-id\tscore\n" + "\n".join(rows) + "\n")
    return root


def test_ndcg_and_recall_on_a_toy_ranking():
    rels = {"a": 2, "b": 1, "c": 0}
    assert ndcg_at_k(["a", "b", "x"], rels, 10) == pytest.approx(1.0)
    # b first, a second: DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3)
    expected = (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert ndcg_at_k(["b", "a"], rels, 10) == pytest.approx(expected)
    assert ndcg_at_k(["x", "y", "a"], rels, 2) == 0.0  # a is past the cut-off
    assert ndcg_at_k(["a"], {"a": 0}, 10) == 0.0  # nothing relevant: 0, not a division by zero
    assert recall_at_k(["x", "b", "c"], rels, 100) == 0.5
    assert recall_at_k(["a", "x", "b"], rels, 2) == 0.5


def test_beir_corpus_reads_as_documents_and_reports_bad_lines(tmp_path):
    root = write_beir(tmp_path / "tiny")
    with (root / "corpus.jsonl").open("a") as fh:
        fh.write('{"_id": "bad", "title": "", "text": ""}\nnot json\n')
    with Export(root) as export:
        assert detect_kind(export) == "beir"
        items = list(read_export(export))
    docs = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert [d.doc_id for d in docs] == list(TOPICS)
    assert docs[0].title == "Volcanoes" and docs[0].text.startswith("Basalt")
    assert [f.file for f in failures] == ["corpus.jsonl:7", "corpus.jsonl:8"]
    assert "no title and no text" in failures[0].reason and "JSON" in failures[1].reason


def test_judged_queries_and_clear_errors(tmp_path):
    root = write_beir(tmp_path / "tiny")
    judged = load_judged(root, "test")
    assert set(judged.queries) == {"q1", "q2", "q3"}
    assert judged.qrels["q3"] == {"d5": 2, "d3": 0}
    with pytest.raises(DatasetError, match=r"no qrels/dev.tsv \(splits here: test\)"):
        load_judged(root, "dev")
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\n")
    with pytest.raises(DatasetError, match=r"qrels/test.tsv:2: expected query-id, corpus-id and score"):
        load_judged(root, "test")
    with pytest.raises(DatasetError, match="no corpus.jsonl"):
        load_judged(tmp_path, "test")


async def test_eval_runs_through_the_real_index_and_reuses_it(make_settings, fake_openai, tmp_path):
    root = write_beir(tmp_path / "tiny")
    settings = make_settings(LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=fake_openai.base_url,
                             OPENAI_API_KEY="sk-test-key")
    judged = load_judged(root, "test")
    result = await run_eval(settings, root, judged)
    assert result["default"] == "hybrid" and result["queries"] == 3 and result["docs"] == 6
    assert set(result["modes"]) == set(MODES)
    for figures in result["modes"].values():
        assert set(figures) == {"ndcg@10", "recall@100"}
        assert figures["recall@100"] == 1.0  # six documents: every one is among the first 100
    assert result["modes"]["bm25"]["ndcg@10"] == 1.0  # each query shares rare words with its answer only
    assert result["modes"]["hybrid"]["ndcg@10"] >= 0.9
    json.dumps(result)  # the --json output

    corpus_texts = {x for _, x in TOPICS.values()}
    before = len(fake_openai.requests_to("/embeddings"))
    again = await run_eval(settings, root, judged, ["bm25", "hybrid"])
    assert again["modes"] == {m: result["modes"][m] for m in ("bm25", "hybrid")}
    later = fake_openai.requests_to("/embeddings")[before:]
    assert later and not any(any(t in s for t in corpus_texts) for r in later for s in r.json["input"])


async def test_unknown_mode_is_refused(make_settings, tmp_path):
    root = write_beir(tmp_path / "tiny")
    with pytest.raises(ValueError, match="unknown mode 'best'"):
        await run_eval(make_settings(), root, load_judged(root, "test"), ["best"])


def test_scifact_dev_loads(shared_data):
    root = shared_data / "scifact-dev"
    if not root.is_dir():
        pytest.skip("scifact-dev not in the shared data")
    judged = load_judged(root, "train")
    assert len(judged.queries) == 809
    assert sum(len(d) for d in judged.qrels.values()) >= 900
    with Export(root) as export:
        assert detect_kind(export) == "beir"
        items = list(read_export(export))
    assert len(items) == 5183 and all(isinstance(i, Document) for i in items)
    assert all(d.title for d in items[:100])


def test_bad_data_is_counted_never_dropped_silently(tmp_path):
    """A corrupt corpus line and judgments of unknown queries are skipped, judgments of unknown documents
    kept (misses no search can find, as BEIR counts them): each counted and named."""
    root = write_beir(tmp_path / "tiny")
    with (root / "corpus.jsonl").open("a") as fh:
        fh.write('{"_id": "d7", "title": "Caves", "text": "Stalactites\n')  # cut off mid-line
    (root / "qrels" / "test.tsv").write_text(
        "q1\td1\t1\n"  # no header: the first line is a judgment
        "q2\td2\t1\nq2\td99\t1\n"  # d99 is in no corpus line
        "q3\td5\t2\nq3\td7\t1\n"  # d7 is the corrupt line
        "q9\td1\t1\nq9\td2\t1\n")  # q9 is not in queries.jsonl
    judged = load_judged(root, "test")
    assert judged.qrels == {"q1": {"d1": 1}, "q2": {"d2": 1, "d99": 1}, "q3": {"d5": 2, "d7": 1}}
    assert judged.bad_data.to_dict() == {"corpus_lines": 1, "qrels_unknown_docs": 2, "qrels_unknown_queries": 2}
    assert [f.file for f in judged.bad_data.corpus_lines] == ["corpus.jsonl:7"]
    lines = judged.bad_data.lines()
    assert len(lines) == 3 and "corpus.jsonl:7" in lines[0] and "d7, d99" in lines[1] and "q9" in lines[2]

    # A header of any names is a header; a score that is no number further down is still an error.
    (root / "qrels" / "test.tsv").write_text("query_id\tdoc_id\trelevance\nq1\td1\t1\n")
    assert load_judged(root, "test").qrels == {"q1": {"d1": 1}}
    (root / "qrels" / "test.tsv").write_text("q1\td1\t1\nq2\td2\tyes\n")
    with pytest.raises(DatasetError, match=r"test.tsv:2: score 'yes' is not a number"):
        load_judged(root, "test")
    # Nothing left to judge: the error says what is wrong.
    (root / "qrels" / "test.tsv").write_text("q8\td1\t1\n")
    with pytest.raises(DatasetError, match=r"no judged query.*1 judgments of queries not in queries.jsonl, skipped \(q8\)"):
        load_judged(root, "test")
