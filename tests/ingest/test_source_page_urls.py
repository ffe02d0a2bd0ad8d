"""A source's page URL base, on real Redis: set with `lorebot sources add`, `lorebot ingest` or the
sources file and checked there, carried by a sync into the indexed chunks and so into citations;
a new base re-links the pages on the next sync without embedding anything again."""

from __future__ import annotations

import json

import pytest
from redisvl.query import FilterQuery
from redisvl.query.filter import Tag

from bot.types import Question
from ingest.context import IngestContext
from ingest.source_sync import sync_source
from ingest.sources import Registry, Source
from ingest.sources_file import apply_sources_file
from tests.ingest.export_builders import ConfluenceDump, write_zip
from tests.ingest.test_sources import cli  # noqa: F401 - the `lorebot` runner fixture

SERVER = "https://wiki.example.com"
CLOUD = "https://example.atlassian.net/wiki"
ASKED = Question(platform="slack", channel="C1", text="When do deploys run from the release branch?")


@pytest.fixture
def space_zip(tmp_path):
    """A Confluence XML space export: a page and a text file attached to it."""
    dump = ConfluenceDump()
    dump.add("Space", "1", {"name": "Operations", "key": "OPS"})
    dump.add("ConfluenceUserImpl", "u1", {"name": "ada"})
    dump.page("4001", "Deploying", "<p>Deploys run from the release branch every Tuesday.</p>")
    dump.add("Attachment", "7001", {"title": "On call.txt", "version": "1", "contentStatus": "current"},
             {"containerContent": ("Page", "4001")})
    return write_zip(tmp_path / "OPS.zip", [
        ("entities.xml", dump.xml()),
        ("exportDescriptor.properties", "exportType=space\nspaceKey=OPS\n"),
        ("attachments/4001/7001/1", "The on-call rota changes hands on Mondays."),
    ])


async def chunk_urls(bot, source: str) -> dict[str, str]:
    rows = await bot.indexes.chunks.query(FilterQuery(
        filter_expression=Tag("source") == source, return_fields=["doc_id", "url"], num_results=100))
    return {r["doc_id"]: r["url"] for r in rows}


async def test_a_new_base_relinks_on_the_next_sync_without_embedding_again(fake_bot, space_zip):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    await registry.add(Source(name="ops", location=str(space_zip), page_url_base=SERVER,
                              channels=("slack:C1",)).validated())
    first = await sync_source(IngestContext.of(fake_bot), "ops")
    assert (first["outcome"], first["added"], first["chunks_embedded"]) == ("synced", 2, 2)
    assert (await fake_bot.answer(ASKED)).citations[0].url == f"{SERVER}/pages/viewpage.action?pageId=4001"

    # The wiki moved to Cloud: same export, new base, synced as the scheduler does (only if changed).
    await registry.add(Source(name="ops", location=str(space_zip), page_url_base=CLOUD + "/").validated(),
                       replace_existing=True)
    moved = await sync_source(IngestContext.of(fake_bot), "ops", force=False)
    assert (moved["outcome"], moved["changed"], moved["chunks_embedded"]) == ("synced", 2, 0)
    assert await chunk_urls(fake_bot, "ops") == {
        "4001": f"{CLOUD}/pages/viewpage.action?pageId=4001",
        "att7001": f"{CLOUD}/download/attachments/4001/On%20call.txt",
    }
    cited = (await fake_bot.answer(ASKED)).citations[0]
    assert (cited.title, cited.url) == ("Deploying", f"{CLOUD}/pages/viewpage.action?pageId=4001")

    await registry.add(Source(name="ops", location=str(space_zip)).validated(), replace_existing=True)
    unlinked = await sync_source(IngestContext.of(fake_bot), "ops", force=False)
    assert (unlinked["changed"], unlinked["chunks_embedded"]) == (2, 0)
    assert set((await chunk_urls(fake_bot, "ops")).values()) == {""}


async def test_sources_file_accepts_and_checks_the_base(fake_bot, space_zip, tmp_path):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
sources:
  ops:
    location: {space_zip}
    page_url_base: {CLOUD}/
  typo:
    location: {space_zip}
    page_url_base: example.atlassian.net/wiki
""")
    applied, errors = await apply_sources_file(registry, path)
    assert applied == ["ops"] and (await registry.get("ops")).page_url_base == CLOUD
    assert len(errors) == 1 and "page URL base must be the wiki's http(s) address" in errors[0]
    assert await registry.get("typo") is None  # refused: nothing half-registered


def test_cli_add_list_status_and_ingest(cli, space_zip):  # noqa: F811 - `cli` is the imported fixture
    added = cli("sources", "add", "ops", str(space_zip), "--page-url-base", f"{SERVER}/", "--channel", "slack:C1")
    assert added.exit_code == 0, added.output
    assert f"pages at {SERVER}," in added.output
    (listed,) = json.loads(cli("sources", "list", "--json").stdout)
    assert listed["page_url_base"] == SERVER
    assert cli("sources", "sync", "ops").exit_code == 0
    (status,) = json.loads(cli("status", "--json").stdout)["sources"]
    assert status["page_url_base"] == SERVER
    answered = json.loads(cli("ask", "When do deploys run?", "--channel", "slack:C1", "--json").stdout)
    assert answered["citations"][0]["url"] == f"{SERVER}/pages/viewpage.action?pageId=4001"
    # A one-off ingest of the registered source, without the flag, keeps its registered base.
    assert cli("ingest", str(space_zip), "--source", "ops", "--json").exit_code == 0
    answered = json.loads(cli("ask", "When do deploys run?", "--channel", "slack:C1", "--json").stdout)
    assert answered["citations"][0]["url"] == f"{SERVER}/pages/viewpage.action?pageId=4001"

    for bad, message in [(("--page-url-base", "wiki.example.com"), "must be the wiki's http(s) address"),
                         (("--page-url-base", "https://ada:pw@wiki.example.com"), "do not put credentials"),
                         (("--kind", "gdrive", "--page-url-base", SERVER), "gdrive exports have none")]:
        refused = cli("sources", "add", "ops2", str(space_zip), *bad)
        assert refused.exit_code == 2 and message in refused.output, refused.output
        assert "pw" not in refused.output

    ingested = cli("ingest", str(space_zip), "--source", "oneoff", "--page-url-base", CLOUD, "--json")
    assert ingested.exit_code == 0, ingested.output
    assert cli("sources", "link", "oneoff", "slack:C2").exit_code == 0
    asked = json.loads(cli("ask", "When do deploys run?", "--channel", "slack:C2", "--json").stdout)
    assert asked["citations"][0]["url"] == f"{CLOUD}/pages/viewpage.action?pageId=4001"
    bad_ingest = cli("ingest", str(space_zip), "--source", "oneoff", "--page-url-base", "ftp://wiki")
    assert bad_ingest.exit_code == 2 and "must be the wiki's http(s) address" in bad_ingest.output
