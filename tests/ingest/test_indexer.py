"""Incremental sync on real Redis: only what changed is embedded, deleted pages disappear, a file that
fails to read keeps what it had, and a page's chunks swap atomically."""

from __future__ import annotations

import asyncio
import zipfile

from redisvl.query import FilterQuery
from redisvl.query.filter import Tag

from ingest.context import indexer_for
from testkit.exports import page, write_pages


async def chunk_texts(bot, source: str, doc_id: str | None = None) -> list[str]:
    flt = Tag("source") == source
    if doc_id:
        flt = flt & (Tag("doc_id") == doc_id)
    rows = await bot.indexes.chunks.query(FilterQuery(filter_expression=flt, return_fields=["text"], num_results=1000))
    return sorted(r["text"] for r in rows)


async def test_edit_delete_rename_embed_only_what_changed(fake_bot, tmp_path):
    root = write_pages(tmp_path / "export", {
        "a.md": page("Alpha", "Alpha is the first page."),
        "b.md": page("Beta", "Beta has two paragraphs.", "The second one."),
        "sub/c.md": page("Gamma", "Gamma lives in a folder."),
    })
    indexer = indexer_for(fake_bot)
    first = await indexer.sync("docs", root)
    assert (first.added, first.changed, first.deleted, first.failed) == (3, 0, 0, [])
    assert first.chunks_embedded == first.chunks_written == 3

    (root / "b.md").write_text(page("Beta", "Beta was edited.", "The second one."))
    (root / "a.md").unlink()
    (root / "sub/c.md").rename(root / "sub/c-renamed.md")
    second = await indexer.sync("docs", root)
    assert (second.added, second.changed, second.unchanged, second.deleted) == (1, 1, 0, 2)
    assert second.chunks_embedded == 1  # the renamed page's text is cached; only Beta's new text is embedded
    texts = await chunk_texts(fake_bot, "docs")
    assert texts == ["Beta was edited.\n\nThe second one.", "Gamma lives in a folder."]
    assert await chunk_texts(fake_bot, "docs", "a.md") == []


async def test_a_file_that_fails_keeps_what_it_had(fake_bot, tmp_path):
    root = write_pages(tmp_path / "export", {"good.md": page("Good", "Good text."), "bad.md": page("Bad", "Old text.")})
    indexer = indexer_for(fake_bot)
    await indexer.sync("docs", root)
    (root / "bad.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # not text in any encoding
    (root / "new.md").write_text(page("New", "New text."))
    report = await indexer.sync("docs", root)
    assert [f.file for f in report.failed] == ["bad.md"]
    assert "binary content" in report.failed[0].reason
    assert report.added == 1 and report.deleted == 0
    assert "Old text." in await chunk_texts(fake_bot, "docs", "bad.md")


async def test_unreadable_export_changes_nothing(fake_bot, tmp_path):
    root = write_pages(tmp_path / "export", {"a.md": page("A", "Kept.")})
    await indexer_for(fake_bot).sync("docs", root)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    report = await indexer_for(fake_bot).sync("docs", broken)
    assert report.error and not report.ok
    assert await chunk_texts(fake_bot, "docs") == ["Kept."]


async def test_zip_export_and_sources_are_separate(fake_bot, tmp_path):
    archive = tmp_path / "space.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("p1.md", page("One", "Zip page one."))
        zf.writestr("../evil.md", page("Evil", "Must not be read."))
    report = await indexer_for(fake_bot).sync("zipped", archive)
    assert report.added == 1
    assert any("unsafe path" in f.reason for f in report.failed)
    root = write_pages(tmp_path / "other", {"p1.md": page("One", "Folder page one.")})
    await indexer_for(fake_bot).sync("folder", root)
    assert await chunk_texts(fake_bot, "zipped") == ["Zip page one."]
    assert await chunk_texts(fake_bot, "folder") == ["Folder page one."]


async def test_readers_never_see_half_a_page(fake_bot, tmp_path):
    """While a page flips between two versions, every search sees all of one version's chunks."""
    v1 = page("Flip", *[f"version one part {i}. " * 60 for i in range(6)])
    v2 = page("Flip", *[f"version two part {i}. " * 60 for i in range(9)])
    root = write_pages(tmp_path / "export", {"flip.md": v1})
    indexer = indexer_for(fake_bot)
    await indexer.sync("docs", root)
    n1 = len(await chunk_texts(fake_bot, "docs"))
    (root / "flip.md").write_text(v2)
    await indexer.sync("docs", root)
    n2 = len(await chunk_texts(fake_bot, "docs"))
    assert n1 != n2 and n1 > 1

    stop = asyncio.Event()
    seen: list[tuple[int, set[str]]] = []

    async def flipper():
        for i in range(12):
            (root / "flip.md").write_text(v1 if i % 2 == 0 else v2)
            await indexer.sync("docs", root)
        stop.set()

    async def reader():
        while not stop.is_set():
            texts = await chunk_texts(fake_bot, "docs")
            versions = {"one" if "version one" in t else "two" for t in texts}
            seen.append((len(texts), versions))
            await asyncio.sleep(0)

    await asyncio.gather(flipper(), reader())
    assert len(seen) > 5
    for count, versions in seen:
        assert len(versions) == 1, versions
        assert count == (n1 if versions == {"one"} else n2)


async def test_text_indexed_before_a_repair_is_repaired_at_the_next_sync(fake_bot, tmp_path, monkeypatch):
    # An index written before ftfy's repairs (documents.TEXT_VERSION v1: NFKC only) holds the mojibake;
    # the export has not changed, yet the next sync re-indexes it, because the hash covers the version.
    import unicodedata

    import ingest.documents
    import ingest.indexer

    root = write_pages(tmp_path / "export", {"menu.md": page("Menu", "CrÃ¨me brÃ»lÃ©e costs 4,50 â‚¬.")})
    with monkeypatch.context() as old:
        old.setattr(ingest.documents, "TEXT_VERSION", b"text-v1\x00")
        old.setattr(ingest.indexer, "normalise", lambda text: unicodedata.normalize("NFKC", text))
        await indexer_for(fake_bot).sync("docs", root)
    assert "4,50 â‚¬" in (await chunk_texts(fake_bot, "docs"))[0]
    report = await indexer_for(fake_bot).sync("docs", root)
    assert (report.added, report.changed, report.unchanged) == (0, 1, 0)
    assert await chunk_texts(fake_bot, "docs") == ["Crème brûlée costs 4,50 €."]
    again = await indexer_for(fake_bot).sync("docs", root)
    assert (again.changed, again.unchanged) == (0, 1)
