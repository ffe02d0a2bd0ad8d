"""`lorebot gaps` and `lorebot topics` as a user runs them: traffic replayed with `lorebot ask
--channel`, the JSON exactly as documented, the HTML pages self-contained, `--forget-user`."""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.chat.digest import digest_markdown
from adapters.cli.app import app
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry
from tests.bot.insights.traffic import COVERED, ONE_OFF, UNCOVERED, abstained, traffic
from tests.conftest import SAMPLES

THEME_KEYS = {"label", "count", "people", "trend", "questions", "questions_cut", "nearest", "channels"}


@pytest.fixture
def cli_env(monkeypatch, redis_url, key_prefix, tmp_path, fake_openai):
    for name, value in {"REDIS_URL": redis_url, "LOREBOT_KEY_PREFIX": key_prefix,
                        "LOREBOT_DATA_DIR": str(tmp_path / "data"), "LOREBOT_EMBEDDINGS": "openai:fake-embed",
                        "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-test-key",
                        "LOREBOT_LOG_LEVEL": "WARNING"}.items():  # the fake server logs in this process
        monkeypatch.setenv(name, value)


@pytest.fixture
def local_cli_env(monkeypatch, redis_url, key_prefix, tmp_path):
    """The command line on the real local model (the default embeddings), answering extractively."""
    for name, value in {"REDIS_URL": redis_url, "LOREBOT_KEY_PREFIX": key_prefix,
                        "LOREBOT_DATA_DIR": str(tmp_path / "data"), "LOREBOT_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(name, value)


async def lorebot(*args: str) -> str:
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def test_gaps_and_topics_from_the_command_line(cli_env, fake_bot, tmp_path: Path):
    assert (await indexer_for(fake_bot).sync("lorebot-docs", SAMPLES)).ok
    await Registry(fake_bot.redis, fake_bot.settings.key_prefix).link("lorebot-docs", "slack:C1")
    for i, text in enumerate(UNCOVERED["vpn"]):
        await fake_bot.answers.record(Question("slack", "C1", text, user=f"U{i}"), abstained())
    asked = json.loads(await lorebot("ask", "How do I connect Lorebot to Slack?", "--channel", "slack:C1", "--json"))
    assert asked["answered"] and asked["id"]

    report = json.loads(await lorebot("gaps", "--json", "--since", "7d", "--html", str(tmp_path / "gaps.html")))
    assert set(report) == {"since", "questions", "unanswered", "themes"}
    assert (report["questions"], report["unanswered"]) == (len(UNCOVERED["vpn"]) + 1, len(UNCOVERED["vpn"]))
    assert all(set(t) == THEME_KEYS for t in report["themes"])
    near = report["themes"][0]["nearest"]
    assert set(near) == {"title", "source", "path", "url", "score"}
    # The sample's pages are files without an address: `url` is empty, as in `ask --json` citations,
    # and the page's place in the export is its `path`.
    assert near["url"] == "" and (SAMPLES / near["path"].replace(" / ", "/")).is_file(), near
    page = (tmp_path / "gaps.html").read_text()
    assert "<table>" in page and "<script" not in page and "href" not in page
    assert html.escape(near["path"]) in page  # shown as text, where the page is
    digest = digest_markdown("slack:C1", report)
    assert f"Nearest page: {near['title'][:99]}" in digest and "](" not in digest
    other = json.loads(await lorebot("gaps", "--json", "--channel", "discord:5"))
    assert (other["questions"], other["themes"]) == (0, [])

    await lorebot("topics", "--html", str(tmp_path / "topics.html"))
    page = (tmp_path / "topics.html").read_text()
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", "")

    assert "erased 1 questions of U0" in await lorebot("gaps", "--forget-user", "U0")
    assert json.loads(await lorebot("gaps", "--json"))["unanswered"] == len(UNCOVERED["vpn"]) - 1


async def test_replayed_traffic_puts_uncovered_topics_first(local_cli_env):
    """A channel's traffic replayed with `lorebot ask --channel --user`, each question answered (or
    abstained on) by the real core: the uncovered topics lead the report, one theme each, counted by
    the people who asked; the covered questions are not in it. Two of the topics (English and German)
    keep the test short; tests/bot/insights/test_gaps.py asks the whole traffic through the core."""
    uncovered = {topic: UNCOVERED[topic] for topic in ("vpn", "elternzeit")}
    replayed = [t for paraphrases in uncovered.values() for t in paraphrases] + COVERED[:2] + ONE_OFF[:1]
    await lorebot("ingest", str(SAMPLES), "--source", "lorebot-docs", "--json")
    await lorebot("sources", "link", "lorebot-docs", "slack:C1")
    for person, text in traffic():
        if text in replayed:
            await lorebot("ask", text, "--channel", "slack:C1", "--user", person, "--json")

    report = json.loads(await lorebot("gaps", "--json", "--channel", "slack:C1"))
    assert report["questions"] == len(replayed)
    themes = report["themes"]
    for topic, paraphrases in uncovered.items():
        holding = [n for n, t in enumerate(themes) if set(t["questions"]) & set(paraphrases)]
        assert len(holding) == 1 and holding[0] < len(uncovered), (topic, [t["label"] for t in themes])
        assert themes[holding[0]]["count"] == themes[holding[0]]["people"] == len(paraphrases)
    assert not {q for t in themes for q in t["questions"]} & set(COVERED)
    assert [t["count"] for t in themes[len(uncovered):]] == [1]  # the one-off, last


async def test_bad_period_is_refused(cli_env):
    result = await asyncio.to_thread(CliRunner().invoke, app, ["gaps", "--since", "a month"])
    assert result.exit_code == 2 and "--since" in result.output


async def test_channels_set_digest_and_reanswer(cli_env, fake_bot):
    shown = await lorebot("channels", "set", "slack:C1", "--digest", "weekly", "--digest-to", "slack:C9",
                          "--reanswer")
    assert "weekly digest to slack:C9" in shown and "re-answers" in shown
    config = json.loads(await lorebot("channels", "list", "--json"))["slack:C1"]
    assert (config["digest"], config["digest_to"], config["reanswer"]) == ("weekly", "slack:C9", True)
    refused = await asyncio.to_thread(CliRunner().invoke, app, ["channels", "set", "slack:C2", "--digest", "weekly"])
    assert refused.exit_code == 2 and "digest needs a target" in refused.output
    await lorebot("channels", "set", "slack:C1", "--digest", "off", "--no-reanswer")
    config = json.loads(await lorebot("channels", "list", "--json"))["slack:C1"]
    assert "reanswer" not in config and config.get("digest", "off") == "off"


async def test_channels_set_digest_day_and_hour(cli_env, fake_bot):
    shown = await lorebot("channels", "set", "slack:C1", "--digest", "weekly", "--digest-to", "slack:C9",
                          "--digest-day", "Thursday", "--digest-hour", "9")
    assert "weekly digest to slack:C9 on thu at 09:00 UTC" in shown
    config = json.loads(await lorebot("channels", "list", "--json"))["slack:C1"]
    assert (config["digest_day"], config["digest_hour"]) == ("thu", 9)
    for option, value in (("--digest-day", "someday"), ("--digest-hour", "24"), ("--digest-hour", "9.5")):
        refused = await asyncio.to_thread(CliRunner().invoke, app, ["channels", "set", "slack:C1", option, value])
        assert refused.exit_code == 2 and "invalid digest" in refused.output, refused.output
    config = json.loads(await lorebot("channels", "list", "--json"))["slack:C1"]
    assert (config["digest_day"], config["digest_hour"]) == ("thu", 9)


async def test_a_huge_question_is_shown_cut_in_every_report(cli_env, fake_bot, tmp_path: Path):
    """The new-user trial: one 114,000-character question made `lorebot gaps` print ~35,000 lines and
    carried whole into the JSON and HTML. The log keeps what the core answered (4,000 characters); the
    reports show SHOWN_CHARS of it, an ellipsis last, and the JSON flags the cut."""
    from bot.insights.gaps import SHOWN_CHARS
    from bot.types import MAX_QUESTION_CHARS

    assert (await indexer_for(fake_bot).sync("lorebot-docs", SAMPLES)).ok
    await lorebot("sources", "link", "lorebot-docs", "slack:C1")
    pasted = {user: f"sourdough starter {user} bread oven flour " * 3000 for user in ("U1", "U2")}  # ~114,000 each
    for user, text in pasted.items():
        asked = json.loads(await lorebot("ask", text, "--channel", "slack:C1", "--user", user, "--json"))
        assert asked["error"] == "not_covered" and asked["id"]
        assert len((await fake_bot.answers.get(asked["id"])).question) == MAX_QUESTION_CHARS

    table = await lorebot("gaps", "--html", str(tmp_path / "gaps.html"))
    assert len(table.splitlines()) < 200, len(table.splitlines())
    report = json.loads(await lorebot("gaps", "--json"))
    topics = json.loads(await lorebot("topics", "--json", "--html", str(tmp_path / "topics.html")))
    themes = report["themes"] + topics["themes"]
    assert themes and len(topics["themes"]) == 1
    for theme in themes:
        assert set(theme) >= {"questions", "questions_cut"} and len(theme["label"]) <= 60
        for question, cut in zip(theme["questions"], theme["questions_cut"], strict=True):
            assert cut and len(question) == SHOWN_CHARS and question.endswith("…")
            assert " ".join(pasted["U1"].split()).startswith(question[:-1]) or " ".join(
                pasted["U2"].split()).startswith(question[:-1])
    for page in ("gaps.html", "topics.html"):
        assert len((tmp_path / page).read_text()) < 10_000
    assert len(digest_markdown("slack:C1", report)) < 2_000


async def test_a_short_question_is_shown_whole(cli_env, fake_bot):
    await fake_bot.answers.record(Question("slack", "C1", "Where is the VPN guide?", user="U1"), abstained())
    [theme] = json.loads(await lorebot("gaps", "--json"))["themes"]
    assert (theme["questions"], theme["questions_cut"]) == (["Where is the VPN guide?"], [False])


@pytest.mark.parametrize("command", ["gaps", "topics"])
async def test_html_where_it_cannot_be_written_is_one_line_and_exit_2(cli_env, fake_bot, tmp_path: Path, command):
    for target, says in ((tmp_path / "missing" / "report.html", "no folder"), (tmp_path, "cannot write")):
        result = await asyncio.to_thread(CliRunner().invoke, app, [command, "--html", str(target)])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
        assert len(result.output.strip().splitlines()) == 1, result.output  # one line, however long the path
        assert result.output.startswith("error: --html") and says in result.output, result.output
