"""The source registry on real Redis: validation with clear errors, links kept in step with what
questions see, removal of everything a source had, the YAML sources file, and the `lorebot sources`
and `lorebot status` commands end to end."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from adapters.cli.app import app
from bot.types import Question
from ingest.context import IngestContext, indexer_for
from ingest.locks import SourceLock, SyncBusy
from ingest.removal import remove_source
from ingest.source_sync import sync_export, sync_source
from ingest.sources import Registry, Source, SourceError
from ingest.sources_file import apply_sources_file
from testkit.exports import page, write_pages
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD
from tests.ingest.export_builders import write_zip
from tests.ingest.test_indexer import chunk_texts


@pytest.fixture
def export(tmp_path):
    return write_pages(tmp_path / "wiki", {"deploy.md": page("Deploying", "Deploys run from the release branch.")})


@pytest.mark.parametrize("fields, message", [
    ({"name": "bad name"}, "invalid source name"),
    ({"every": "6h", "cron": "0 3 * * *"}, "not both"),
    ({"every": "6x"}, "invalid interval"),
    ({"every": "30s"}, "too short"),
    ({"cron": "61 * * * *"}, "invalid cron expression"),
    ({"location": "https://user:pw@example.com/x.zip"}, "do not put credentials in the URL"),
    ({"location": "ftp://example.com/x.zip"}, "unsupported location"),
    ({"location": "/no/such/export"}, "no such file or folder"),
    ({"channels": ("slack C1",)}, "PLATFORM:ID"),
    ({"kind": "sharepoint"}, "unknown export kind"),
    ({"auth_env": "NOT-A-VAR"}, "invalid environment variable name"),
    ({"page_url_base": "wiki.example.com"}, "page URL base must be the wiki's http"),
    ({"page_url_base": "https://wiki.example.com:http"}, "page URL base must be the wiki's http"),
    ({"page_url_base": "https://wiki.example.com/?os_authType=basic"}, "no \\?query"),
    ({"kind": "files", "page_url_base": "https://wiki.example.com"}, "files exports have none"),
])
def test_bad_input_gets_a_clear_error(export, fields, message):
    source = Source(**{"name": "wiki", "location": str(export), **fields})
    with pytest.raises(SourceError, match=message):
        source.validated()


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SourceError, match="not a folder or a zip"):
        Source(name="n", location=str(tmp_path / "notes.txt")).validated()
    archive = write_zip(tmp_path / "ok.zip", [("a.md", "# A\n\ntext\n")])
    assert Source(name="n", location=str(archive), cron="0 3 * * *").validated().location == str(archive)


async def test_links_are_kept_in_step_and_questions_see_them_at_once(fake_bot, export):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    added = await registry.add(Source(name="wiki", location=str(export), every="6h",
                                      channels=("slack:C1",)).validated())
    assert added.channels == ("slack:C1",) and added.schedule == "every 6h" and added.created
    assert set(await Registry(fake_bot.redis, fake_bot.settings.key_prefix).names()) == {"wiki"}
    await indexer_for(fake_bot).sync("wiki", export)

    discord = Question(platform="discord", channel="42", text="How do deploys work?")
    assert (await fake_bot.answer(discord)).error == "no_sources"
    assert await registry.link("wiki", "discord:42")
    assert not await registry.link("wiki", "discord:42")  # already there
    assert (await fake_bot.answer(discord)).citations[0].title == "Deploying"
    assert (await registry.get("wiki")).channels == ("discord:42", "slack:C1")

    assert await registry.unlink("wiki", "slack:C1")
    assert not set(await Registry(fake_bot.redis, fake_bot.settings.key_prefix).linked("slack:C1"))
    with pytest.raises(SourceError, match="no source named 'nope'.*wiki"):
        await registry.link("nope", "slack:C1")


async def test_adding_twice_needs_replace_which_keeps_links(fake_bot, export):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    first = await registry.add(Source(name="wiki", location=str(export), channels=("slack:C1",)).validated())
    with pytest.raises(SourceError, match="already exists"):
        await registry.add(Source(name="wiki", location=str(export)).validated())
    changed = await registry.add(Source(name="wiki", location=str(export), cron="0 3 * * *").validated(),
                                 replace_existing=True)
    assert changed.schedule == "cron 0 3 * * *" and changed.channels == ("slack:C1",)
    assert changed.created == first.created
    await sync_source(IngestContext.of(fake_bot), "wiki")
    assert await registry.state("wiki")
    await registry.add(Source(name="wiki", location=str(export), kind="files").validated(), replace_existing=True)
    assert await registry.state("wiki") == {}  # a changed kind is read on the next run, not skipped
    assert (await sync_source(IngestContext.of(fake_bot), "wiki"))["outcome"] == "synced"


async def test_remove_deletes_chunks_links_and_record(fake_bot, export):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    await registry.add(Source(name="wiki", location=str(export), channels=("slack:C1", "discord:7")).validated())
    await indexer_for(fake_bot).sync("wiki", export)
    await indexer_for(fake_bot).sync("other", export)

    someone = SourceLock(fake_bot.redis, fake_bot.settings.key_prefix, "wiki", seconds=5)  # another process
    async with someone.exclusive():  # syncing wiki
        with pytest.raises(SyncBusy):
            await remove_source(IngestContext.of(fake_bot), "wiki")
        assert len(await chunk_texts(fake_bot, "wiki")) == 1  # nothing was touched while it synced

    assert await remove_source(IngestContext.of(fake_bot), "wiki") == 1
    assert await chunk_texts(fake_bot, "wiki") == []
    assert len(await chunk_texts(fake_bot, "other")) == 1
    assert await registry.get("wiki") is None and await registry.names() == ["other"]
    for scope in ("slack:C1", "discord:7"):
        assert await registry.linked(scope) == []
    assert await remove_source(IngestContext.of(fake_bot), "other") == 1  # indexed by `lorebot ingest` only: removable too
    with pytest.raises(SourceError, match="no source named"):
        await remove_source(IngestContext.of(fake_bot), "wiki")


async def test_sources_file_applies_good_entries_and_reports_bad_ones(fake_bot, export, tmp_path):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
sources:
  wiki:
    location: {export}
    every: 6h
    channels: [slack:C1]
  typo:
    location: {export}
    evry: 6h
  remote:
    location: https://exports.example.com/handbook.zip
    auth_env: HANDBOOK_TOKEN
    cron: "0 3 * * *"
""")
    applied, errors = await apply_sources_file(registry, path)
    assert applied == ["wiki", "remote"]
    assert len(errors) == 1 and "'typo' has unknown settings evry" in errors[0]
    remote = await registry.get("remote")
    assert (remote.auth_env, remote.schedule) == ("HANDBOOK_TOKEN", "cron 0 3 * * *")
    assert await registry.linked("slack:C1") == ["wiki"]

    path.write_text("sources: [not, a, mapping")
    with pytest.raises(SourceError, match="not valid YAML"):
        await apply_sources_file(registry, path)



async def test_a_channel_dropped_from_the_file_is_unlinked_and_chat_links_stay(fake_bot, export, tmp_path):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  wiki:\n    location: {export}\n    channels: [slack:C1, slack:C2]\n")
    assert (await apply_sources_file(registry, path))[0] == ["wiki"]
    await registry.link("wiki", "discord:9")  # an admin's /link in chat
    path.write_text(f"sources:\n  wiki:\n    location: {export}\n    channels: [slack:C1]\n")
    await apply_sources_file(registry, path)
    assert (await registry.linked("slack:C1"), await registry.linked("slack:C2")) == (["wiki"], [])
    assert await registry.linked("discord:9") == ["wiki"]
    path.write_text(f"sources:\n  wiki:\n    location: {export}\n")
    await apply_sources_file(registry, path)
    assert (await registry.get("wiki")).channels == ("discord:9",)

@pytest.fixture
def cli(make_settings, fake_openai):
    """Run `lorebot ...` in-process with this test's settings in the environment."""
    s = make_settings()
    env = {"REDIS_URL": s.redis_url, "LOREBOT_KEY_PREFIX": s.key_prefix, "LOREBOT_DATA_DIR": str(s.data_dir),
           "LOREBOT_EMBEDDINGS": "openai:fake-embed", "OPENAI_BASE_URL": fake_openai.base_url,
           "LOREBOT_ABSTAIN_THRESHOLD": FAKE_ABSTAIN_THRESHOLD,
           "OPENAI_API_KEY": "sk-test-key", "LOREBOT_MODEL_RETRIES": "0"}
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env=env)

    return invoke


def test_cli_sources_end_to_end(cli, export):
    added = cli("sources", "add", "wiki", str(export), "--every", "6h", "--channel", "slack:C1")
    assert added.exit_code == 0, added.output
    assert "every 6h" in added.output and "slack:C1" in added.output
    bad = cli("sources", "add", "wiki2", str(export), "--every", "soon")
    assert bad.exit_code == 2 and "invalid interval 'soon'" in bad.output

    synced = cli("sources", "sync", "wiki", "--json")
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["added"] == 1
    again = cli("sources", "sync", "wiki", "--if-changed")
    assert "unchanged" in again.output

    assert cli("sources", "link", "wiki", "discord:9").exit_code == 0
    listed = json.loads(cli("sources", "list", "--json").stdout)
    assert [(r["name"], r["channels"], r["last"]["outcome"]) for r in listed] == [
        ("wiki", ["discord:9", "slack:C1"], "unchanged")]

    answered = json.loads(cli("ask", "How do deploys work?", "--channel", "discord:9", "--json").stdout)
    assert answered["citations"][0]["title"] == "Deploying"
    assert cli("sources", "unlink", "wiki", "discord:9").exit_code == 0
    refused = json.loads(cli("ask", "How do deploys work?", "--channel", "discord:9", "--json").stdout)
    assert refused["error"] == "no_sources" and "lorebot sources link SOURCE discord:9" in refused["answer"]

    status = json.loads(cli("status", "--json").stdout)
    (wiki,) = status["sources"]
    assert (wiki["name"], wiki["documents"], wiki["chunks"]) == ("wiki", 1, 1)  # the earlier shape is kept
    assert wiki["schedule"] == "every 6h" and wiki["last"]["outcome"] == "unchanged"
    assert wiki["last"]["last_synced"] and wiki["next_run"] is None and not wiki["syncing"]
    shown = cli("status")
    assert "unchanged" in shown.output and "every 6h" in shown.output

    removed = cli("sources", "remove", "wiki", "--yes")
    assert removed.exit_code == 0 and "1 documents deleted" in removed.output
    assert json.loads(cli("sources", "list", "--json").stdout) == []
    missing = cli("sources", "sync", "wiki")
    assert missing.exit_code == 2 and "no source named 'wiki'" in missing.output


def test_cli_ingest_keeps_its_report_on_the_source(cli, export):
    ingested = cli("ingest", str(export), "--source", "wiki", "--json")
    assert ingested.exit_code == 0, ingested.output
    status = json.loads(cli("status", "--json").stdout)
    (wiki,) = status["sources"]
    assert (wiki["registered"], wiki["last"]["trigger"], wiki["last"]["added"]) == (False, "ingest", 1)


def test_sources_list_shows_a_source_only_ingested_marked_as_without_definition(cli, export):
    """`lorebot ingest` indexes without a definition; the source can be linked and is searched, so
    `sources list` shows it, marked `registered: false`, until `sources add` defines it."""
    assert cli("ingest", str(export), "--source", "wiki", "--json").exit_code == 0
    assert cli("sources", "link", "wiki", "slack:C1").exit_code == 0
    (wiki,) = json.loads(cli("sources", "list", "--json").stdout)
    assert set(wiki) == set(Source("x", "").to_dict()) | {"registered", "last"}  # the rows of defined ones
    assert (wiki["name"], wiki["registered"], wiki["channels"], wiki["last"]["trigger"]) == (
        "wiki", False, ["slack:C1"], "ingest")
    assert (wiki["location"], wiki["kind"], wiki["schedule"]) == (None, None, None)
    shown = cli("sources", "list")
    assert "wiki" in shown.output and "no definition" in shown.output, shown.output

    assert cli("sources", "add", "wiki", str(export)).exit_code == 0
    (wiki,) = json.loads(cli("sources", "list", "--json").stdout)
    assert (wiki["registered"], wiki["location"], wiki["schedule"], wiki["channels"]) == (
        True, str(export), "manual", ["slack:C1"])
    assert "no definition" not in cli("sources", "list").output


async def test_an_export_lorebot_indexes_itself_is_defined_once(fake_bot, export, tmp_path):
    """The sample `lorebot start` syncs (sync_export with `define`): defined as `sources add` would,
    at the first run only; later runs re-sync only what changed and keep its links and created time;
    a moved export moves its definition; `sources sync` then syncs it like any other."""
    ctx = IngestContext.of(fake_bot)
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    first = await sync_export(ctx, "sample", export, None, define=True)
    assert first.ok and first.added == 1
    defined = await registry.get("sample")
    assert defined is not None and (defined.location, defined.kind, defined.schedule) == (
        str(export.resolve()), None, "manual")
    await registry.link("sample", "slack:C1")

    again = await sync_export(ctx, "sample", export, None, define=True)
    assert (again.added, again.changed, again.unchanged, again.chunks_embedded) == (0, 0, 1, 0)
    assert await registry.get("sample") == replace(defined, channels=("slack:C1",))

    moved = shutil.copytree(export, tmp_path / "moved")
    await sync_export(ctx, "sample", moved, None, define=True)
    now = await registry.get("sample")
    assert (now.location, now.channels, now.created) == (str(moved.resolve()), ("slack:C1",), defined.created)
    synced = await sync_source(ctx, "sample", trigger="cli")
    assert (synced["outcome"], synced["unchanged"], synced["chunks_embedded"]) == ("synced", 1, 0)
