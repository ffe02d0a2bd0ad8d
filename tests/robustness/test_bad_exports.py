"""The bad export inputs (tests/ingest/test_readers_bad_input.py) through the whole sync: each bad
entry is reported, the good pages are indexed and answerable, the server stays up, and an export that
cannot be read, or reads as empty, changes nothing that was indexed."""

from __future__ import annotations

import zipfile

import redis

from bot.types import Question
from ingest.context import indexer_for
from testkit.exports import page, write_pages
from testkit.robustness.index_check import index_state
from tests.ingest.test_readers_bad_input import GOOD, hostile_zip  # noqa: F401 (fixture)

BAD_ENTRIES = 14  # the hostile zip's entries that must fail, each with its reason


async def test_a_hostile_zip_indexes_the_good_pages_only(fake_bot, hostile_zip, redis_url):  # noqa: F811
    report = await indexer_for(fake_bot).sync("drive", hostile_zip)
    assert report.ok and report.added == 3  # latin1.txt is text in another encoding: read, not failed
    assert len(report.failed) == BAD_ENTRIES and all(f.reason for f in report.failed)
    assert redis.Redis.from_url(redis_url).ping()
    assert set(await index_state(fake_bot.redis, fake_bot.indexes.keys, "drive")) == {"good.md", "latin1.txt", "sub/ok.docx"}
    answer = await fake_bot.answer(Question("cli", "local", "Which page must survive its neighbours?"))
    assert answer.citations[0].quote.startswith(GOOD[:20])
    again = await indexer_for(fake_bot).sync("drive", hostile_zip)
    assert (again.unchanged, again.added, again.deleted, again.chunks_embedded) == (3, 0, 0, 0)


async def test_unreadable_or_empty_exports_change_nothing(fake_bot, tmp_path):
    root = write_pages(tmp_path / "export", {f"p{i}.md": page(f"Page {i}", f"Text {i}.") for i in range(5)})
    await indexer_for(fake_bot).sync("docs", root)
    before = await index_state(fake_bot.redis, fake_bot.indexes.keys, "docs")
    truncated = tmp_path / "truncated.zip"
    with zipfile.ZipFile(truncated, "w") as z:
        for i in range(5):
            z.writestr(f"p{i}.md", page(f"Page {i}", "words " * 2000))
    truncated.write_bytes(truncated.read_bytes()[:3000])
    empty_zip = tmp_path / "empty.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    (tmp_path / "empty-folder").mkdir()
    only_junk = write_pages(tmp_path / "junk", {".DS_Store": "x", "Thumbs.db": "y"})
    for bad in (truncated, tmp_path / "missing", tmp_path / "empty-folder", empty_zip, only_junk):
        report = await indexer_for(fake_bot).sync("docs", bad)
        assert not report.ok and report.error, bad
        assert report.deleted == 0
        assert await index_state(fake_bot.redis, fake_bot.indexes.keys, "docs") == before, bad


async def test_every_file_failing_keeps_every_page(fake_bot, tmp_path):
    root = write_pages(tmp_path / "export", {f"p{i}.md": page(f"Page {i}", f"Text {i}.") for i in range(3)})
    await indexer_for(fake_bot).sync("docs", root)
    for i in range(3):
        (root / f"p{i}.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x01 binary, not text \xff")
    report = await indexer_for(fake_bot).sync("docs", root)
    assert len(report.failed) == 3 and report.deleted == 0
    assert len(await index_state(fake_bot.redis, fake_bot.indexes.keys, "docs")) == 3
