"""Fetching exports: local fingerprints, conditional downloads from a real HTTP server (ETag,
Last-Modified, content hash), the auth header from the environment, and clear errors that change
nothing and leak no secret."""

from __future__ import annotations

import os

import pytest

from ingest.fetch import FetchError, download_path, fetch
from ingest.sources import Source
from testkit.exports import page, write_pages
from testkit.fakes.export_server import export_server  # noqa: F401
from tests.ingest.export_builders import write_zip


def zip_bytes(tmp_path, text: str) -> bytes:
    return write_zip(tmp_path / "made.zip", [("a.md", page("A", text))]).read_bytes()


async def test_local_folder_fingerprint_follows_changes(make_settings, tmp_path):
    s = make_settings()
    root = write_pages(tmp_path / "docs", {"a.md": page("A", "one"), "sub/b.md": page("B", "two")})
    source = Source(name="docs", location=str(root))
    first = await fetch(source, s, {})
    assert not first.unchanged and first.path == root
    again = await fetch(source, s, first.fingerprint)
    assert again.unchanged and again.fingerprint == first.fingerprint
    assert not (await fetch(source, s, first.fingerprint, force=True)).unchanged
    (root / "sub/b.md").write_text(page("B", "two, edited"))
    assert not (await fetch(source, s, first.fingerprint)).unchanged


async def test_local_zip_fingerprint_and_missing_file(make_settings, tmp_path):
    s = make_settings()
    archive = write_zip(tmp_path / "export.zip", [("a.md", page("A", "one"))])
    source = Source(name="z", location=str(archive))
    first = await fetch(source, s, {})
    assert first.fingerprint["size"] == str(archive.stat().st_size)
    assert (await fetch(source, s, first.fingerprint)).unchanged
    archive.unlink()
    with pytest.raises(FetchError, match="no such file or folder"):
        await fetch(source, s, first.fingerprint)


async def test_download_is_conditional_on_the_etag(make_settings, tmp_path, export_server):
    s = make_settings()
    export_server.put("wiki.zip", zip_bytes(tmp_path, "first"))
    source = Source(name="wiki", location=export_server.url("wiki.zip"))
    first = await fetch(source, s, {})
    assert not first.unchanged
    assert first.path == download_path(s, "wiki") and first.path.read_bytes() == export_server.files["wiki.zip"].body
    assert first.fingerprint["etag"] == export_server.files["wiki.zip"].etag

    second = await fetch(source, s, first.fingerprint)
    assert second.unchanged
    assert export_server.requests[-1]["If-None-Match"] == first.fingerprint["etag"]

    export_server.put("wiki.zip", zip_bytes(tmp_path, "second"))
    third = await fetch(source, s, first.fingerprint)
    assert not third.unchanged and third.fingerprint["etag"] != first.fingerprint["etag"]
    assert third.path.read_bytes() == export_server.files["wiki.zip"].body


async def test_last_modified_alone_makes_it_conditional(make_settings, tmp_path, export_server):
    s = make_settings()
    export_server.put("dated.zip", zip_bytes(tmp_path, "dated"), etag=False)
    source = Source(name="dated", location=export_server.url("dated.zip"))
    first = await fetch(source, s, {})
    again = await fetch(source, s, first.fingerprint)
    assert export_server.requests[-1]["If-Modified-Since"] == first.fingerprint["last_modified"]
    assert again.unchanged


async def test_without_validators_the_content_hash_decides(make_settings, tmp_path, export_server):
    s = make_settings()
    export_server.put("plain.zip", zip_bytes(tmp_path, "same"), etag=False, last_modified=False)
    source = Source(name="plain", location=export_server.url("plain.zip"))
    first = await fetch(source, s, {})
    again = await fetch(source, s, first.fingerprint)
    assert "If-None-Match" not in export_server.requests[-1]
    assert again.unchanged and again.fingerprint["sha256"] == first.fingerprint["sha256"]


async def test_auth_header_comes_from_the_environment(make_settings, tmp_path, export_server, monkeypatch):
    s = make_settings()
    export_server.put("private.zip", zip_bytes(tmp_path, "secret plans"))
    export_server.required = ("X-Api-Key", "k-verysecret-123")
    source = Source(name="private", location=export_server.url("private.zip"), auth_env="PRIVATE_EXPORT_KEY",
                    auth_header="X-Api-Key")
    with pytest.raises(FetchError, match="PRIVATE_EXPORT_KEY .* is not set"):
        await fetch(source, s, {})
    assert export_server.requests == []  # nothing was sent without the header

    monkeypatch.setenv("PRIVATE_EXPORT_KEY", "k-wrong-value-456")
    with pytest.raises(FetchError, match="HTTP 401") as wrong:
        await fetch(source, s, {})
    assert "k-wrong-value-456" not in str(wrong.value)

    monkeypatch.setenv("PRIVATE_EXPORT_KEY", "k-verysecret-123")
    fetched = await fetch(source, s, {})
    assert fetched.path.read_bytes() == export_server.files["private.zip"].body


async def test_http_errors_are_clear_and_keep_the_last_download(make_settings, tmp_path, export_server):
    s = make_settings()
    export_server.put("wiki.zip", zip_bytes(tmp_path, "kept"))
    good = await fetch(Source(name="wiki", location=export_server.url("wiki.zip")), s, {})
    del export_server.files["wiki.zip"]
    with pytest.raises(FetchError) as missing:
        await fetch(Source(name="wiki", location=export_server.url("wiki.zip?token=t0ps3cret")), s, {}, force=True)
    assert "HTTP 404" in str(missing.value) and "t0ps3cret" not in str(missing.value)
    assert good.path.read_bytes()  # the previous download is untouched

    await export_server.stop()
    with pytest.raises(FetchError, match="cannot reach http://127.0.0.1"):
        await fetch(Source(name="wiki", location=export_server.url("wiki.zip")), s, {}, force=True)


@pytest.mark.parametrize("chunked", [False, True], ids=["announced", "streamed"])
async def test_oversized_download_is_refused(make_settings, tmp_path, export_server, chunked):
    s = make_settings(LOREBOT_MAX_DOWNLOAD_MB="1")
    export_server.put("big.zip", os.urandom(3 << 20), chunked=chunked)
    source = Source(name="big", location=export_server.url("big.zip"))
    with pytest.raises(FetchError, match="larger than LOREBOT_MAX_DOWNLOAD_MB"):
        await fetch(source, s, {})
    assert not download_path(s, "big").exists()
    assert not download_path(s, "big").with_suffix(".part").exists()
