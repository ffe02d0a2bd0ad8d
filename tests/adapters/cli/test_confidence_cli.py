"""`lorebot ask --json` carries confidence and answered; `lorebot eval --abstention` prints its figures.
In-process through Typer's runner, against the session's Redis and the fake OpenAI server."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from adapters.cli.app import app
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD
from tests.conftest import SAMPLES
from tests.ingest.evaluation.test_evaluation import write_beir

TOPICS = {
    "d1": ("Volcanoes", "Basalt lava flows from shield volcanoes in Hawaii."),
    "d2": ("Glaciers", "Glacier ice carves fjords in Norway over millennia."),
    "d3": ("Coral reefs", "Coral bleaching follows warm ocean water around reefs."),
    "d4": ("Deserts", "Sand dunes migrate across the Sahara with the wind."),
    "d5": ("Rainforests", "Rainforest canopies in the Amazon hold most species of frogs."),
    "d6": ("Tides", "The moon's gravity raises tides twice a day on ocean coasts."),
    "d7": ("Caves", "Stalactites grow from limestone cave ceilings drop by drop."),
    "d8": ("Geysers", "Old Faithful geyser erupts boiling water in Yellowstone."),
}
QUERIES = {"q1": "shield volcano lava Hawaii", "q2": "glacier fjords Norway", "q3": "coral bleaching reefs",
           "q4": "Sahara sand dunes", "q5": "Amazon rainforest frogs", "q6": "moon gravity tides",
           "q7": "limestone cave stalactites", "q8": "Yellowstone geyser eruption"}
QRELS = {q: {f"d{q[1:]}": 1} for q in QUERIES}


@pytest.fixture
def cli(make_settings, fake_openai):
    s = make_settings()
    env = {"REDIS_URL": s.redis_url, "LOREBOT_KEY_PREFIX": s.key_prefix, "LOREBOT_DATA_DIR": str(s.data_dir),
           "LOREBOT_EMBEDDINGS": "openai:fake-embed", "OPENAI_BASE_URL": fake_openai.base_url,
           "LOREBOT_ABSTAIN_THRESHOLD": FAKE_ABSTAIN_THRESHOLD,
           "OPENAI_API_KEY": "sk-test-key", "LOREBOT_MODEL_RETRIES": "0"}
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), env=env)


def test_ask_json_has_confidence_and_answered(cli):
    assert cli("ingest", str(SAMPLES), "--source", "docs", "--json").exit_code == 0
    covered = json.loads(cli("ask", "How do I connect Lorebot to Slack?", "--json").stdout)
    assert covered["answered"] is True and isinstance(covered["confidence"], float)
    assert covered["mode"] == "generative" and covered["citations"][0]["title"] == "Slack app setup"
    unrelated = json.loads(cli("ask", "How do I bake sourdough bread?", "--json").stdout)
    assert (unrelated["answered"], unrelated["error"], unrelated["mode"]) == (False, "not_covered", "notice")
    assert unrelated["confidence"] < covered["confidence"]
    assert all(c["quote"] == "" for c in unrelated["citations"]) and unrelated["citations"]


def test_a_notice_is_not_an_answer(cli):
    # A channel with no source linked, then an empty question: a script reading `answered` must not
    # take either notice for an answer, and a notice has no confidence to speak of.
    assert cli("ingest", str(SAMPLES), "--source", "docs", "--json").exit_code == 0
    asked = cli("ask", "How do I connect Lorebot to Slack?", "--channel", "slack:CNOTHING", "--json")
    nothing = json.loads(asked.stdout)
    assert (nothing["answered"], nothing["confidence"], nothing["error"]) == (False, 0.0, "no_sources")
    empty = json.loads(cli("ask", "   ", "--json").stdout)
    assert (empty["answered"], empty["confidence"], empty["error"]) == (False, 0.0, "empty_question")


def test_each_ask_stands_alone(cli):
    # One command's answer must not depend on what an earlier command asked in the same channel: the
    # second unrelated question would otherwise be searched with the Slack question as its context.
    assert cli("ingest", str(SAMPLES), "--source", "docs", "--json").exit_code == 0
    fresh = json.loads(cli("ask", "Which intents does it need?", "--json").stdout)
    json.loads(cli("ask", "How do I set up the Discord bot?", "--json").stdout)
    after = json.loads(cli("ask", "Which intents does it need?", "--json").stdout)
    assert (after["confidence"], after["citations"]) == (fresh["confidence"], fresh["citations"])


def test_punctuation_only_is_an_empty_question_and_no_gap(cli):
    # The new-user trial: "???" came back "not covered" with closest pages, was logged, and became a
    # gaps theme labelled "!!!". A question without a letter or digit in any script is empty.
    assert cli("ingest", str(SAMPLES), "--source", "docs", "--json").exit_code == 0
    for text in ("???", "!!!", "...", "🤔🤷", "?!"):
        asked = json.loads(cli("ask", text, "--json").stdout)
        assert (asked["error"], asked["mode"], asked["citations"], asked["id"]) == ("empty_question", "notice", [],
                                                                                    ""), text
    report = json.loads(cli("gaps", "--json").stdout)
    assert (report["questions"], report["themes"]) == (0, [])
    asked = json.loads(cli("ask", "Slack をどう接続しますか？", "--json").stdout)
    assert asked.get("error") != "empty_question" and asked["id"]


def test_eval_abstention_prints_its_figures(cli, tmp_path):
    root = write_beir(tmp_path / "tiny", TOPICS, QUERIES, QRELS)
    result = cli("eval", str(root), "--mode", "hybrid", "--abstention", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["modes"]["hybrid"]["ndcg@10"] > 0.9  # the usual figures stay
    a = figures["abstention"]
    assert set(a) >= {"auroc", "threshold", "answered_when_answerable", "abstained_when_unanswerable"}
    assert (a["answerable"], a["unanswerable"], a["withheld_docs"]) == (4, 4, 4)
    # each query shares rare words with its own document only: withheld, nothing covers it
    assert a["auroc"] == 1.0 and a["abstained_when_unanswerable"] == 1.0
    table = cli("eval", str(root), "--mode", "hybrid", "--abstention")
    assert table.exit_code == 0 and "ROC AUC 1.000" in table.stdout


def test_eval_reports_what_it_skipped(cli, tmp_path):
    # The new-user trial: a corrupt corpus line and judgments of unknown documents or queries were
    # passed over without a word. They are counted in --json and named on stderr under the table.
    root = write_beir(tmp_path / "tiny", TOPICS, QUERIES, QRELS)
    with (root / "corpus.jsonl").open("a") as fh:
        fh.write("{not json\n")
    with (root / "qrels" / "test.tsv").open("a") as fh:
        fh.write("q1\tnowhere\t1\nq77\td1\t1\n")
    result = cli("eval", str(root), "--mode", "bm25", "--abstention", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["bad_data"] == {"corpus_lines": 1, "qrels_unknown_docs": 1, "qrels_unknown_queries": 1}
    # q77 cannot be asked; q1's judgment of a document not in the corpus is a miss no search can find
    assert figures["queries"] == 8 and figures["modes"]["bm25"]["recall@100"] == pytest.approx(15 / 16)
    assert figures["abstention"]["answerable"] == 4  # the corrupt line is left out of the withheld copy too
    table = cli("eval", str(root), "--mode", "bm25")
    assert table.exit_code == 0 and "bad data" not in table.stdout
    said = [line for line in table.stderr.splitlines() if line.startswith("bad data:")]
    assert len(said) == 3 and "corpus.jsonl:9" in said[0] and "nowhere" in said[1] and "q77" in said[2], said
    clean = write_beir(tmp_path / "clean", TOPICS, QUERIES, QRELS)
    figures = json.loads(cli("eval", str(clean), "--mode", "bm25", "--json").stdout)
    assert figures["bad_data"] == {"corpus_lines": 0, "qrels_unknown_docs": 0, "qrels_unknown_queries": 0}
