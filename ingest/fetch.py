"""Getting a source's export ready to sync, with a fingerprint to skip an unchanged one cheaply.

A local folder or zip is read where it lies; its fingerprint is sizes and mtimes. An http(s) URL is
downloaded into the data dir, conditionally (If-None-Match / If-Modified-Since from the last
fingerprint), with the auth header's value taken from the environment variable the source names;
its fingerprint is ETag, Last-Modified, size and SHA-256. Errors say what went wrong without the
header's value or the URL's query string.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from ingest.settings import IngestSettings
from ingest.sources import Source, display_location

WRITE_BYTES = 1 << 20  # buffer this much before each write to disk (off the event loop)


class FetchError(Exception):
    """The export cannot be had: nothing was read, nothing in the index changed."""


@dataclass(frozen=True)
class Fetched:
    path: Path  # the folder or zip to sync
    fingerprint: dict[str, str]
    unchanged: bool  # the same export as last synced: no need to read it


def download_path(settings: IngestSettings, name: str) -> Path:
    return settings.data_dir / "sources" / name / "export.zip"


async def fetch(source: Source, settings: IngestSettings, previous: dict[str, str], force: bool = False) -> Fetched:
    """`previous` is the fingerprint of the last complete sync; `force` skips the shortcut."""
    if source.is_url:
        return await _download(source, settings, previous, force)
    path = Path(source.location)
    fingerprint = await asyncio.to_thread(_local_fingerprint, path)
    return Fetched(path, fingerprint, unchanged=not force and fingerprint == previous)


def _local_fingerprint(path: Path) -> dict[str, str]:
    if not path.exists():
        raise FetchError(f"{path}: no such file or folder (moved or deleted?)")
    if path.is_file():
        st = path.stat()
        return {"size": str(st.st_size), "mtime": str(st.st_mtime_ns)}
    listing = hashlib.sha256()
    total = 0
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for f in sorted(files):
            st = (Path(root) / f).stat()
            total += st.st_size
            listing.update(f"{os.path.relpath(Path(root) / f, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return {"size": str(total), "listing": listing.hexdigest()}


def _auth_headers(source: Source) -> dict[str, str]:
    if not source.auth_env:
        return {}
    value = os.environ.get(source.auth_env)
    if not value:
        raise FetchError(f"environment variable {source.auth_env} (the {source.auth_header} header for "
                         f"{source.name}) is not set")
    return {source.auth_header: value}


async def _download(source: Source, settings: IngestSettings, previous: dict[str, str], force: bool) -> Fetched:
    where = display_location(source.location)
    headers = _auth_headers(source)
    target = download_path(settings, source.name)
    if not force and target.exists():  # conditional only when we still hold what the tags describe
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
    limit = settings.max_download_mb << 20
    timeout = aiohttp.ClientTimeout(total=settings.fetch_timeout, sock_connect=30)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(source.location, headers=headers) as resp:
                if resp.status == 304:
                    return Fetched(target, previous, unchanged=True)
                if resp.status >= 400:
                    raise FetchError(f"{where}: HTTP {resp.status} {resp.reason or ''}".rstrip())
                if (resp.content_length or 0) > limit:
                    raise FetchError(f"{where}: larger than LOREBOT_MAX_DOWNLOAD_MB ({settings.max_download_mb} MB)")
                size, digest = await _save(resp, target, limit, where, settings.max_download_mb)
                fingerprint = {"size": str(size), "sha256": digest,
                               "etag": resp.headers.get("ETag", ""),
                               "last_modified": resp.headers.get("Last-Modified", "")}
    except aiohttp.ClientConnectorError as exc:
        raise FetchError(f"cannot reach {where}: {exc.os_error.strerror or type(exc.os_error).__name__}") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise FetchError(f"downloading {where} failed: {type(exc).__name__}") from None
    unchanged = not force and digest == previous.get("sha256")
    return Fetched(target, fingerprint, unchanged)


async def _save(resp: aiohttp.ClientResponse, target: Path, limit: int, where: str, limit_mb: int) -> tuple[int, str]:
    """Stream the body to `target` (replaced only once complete); (size, sha256)."""
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray()
    out = await asyncio.to_thread(open, part, "wb")
    try:
        async for block in resp.content.iter_chunked(64 * 1024):
            size += len(block)
            if size > limit:
                raise FetchError(f"{where}: larger than LOREBOT_MAX_DOWNLOAD_MB ({limit_mb} MB)")
            digest.update(block)
            buffer += block
            if len(buffer) >= WRITE_BYTES:
                await asyncio.to_thread(out.write, bytes(buffer))
                buffer.clear()
        await asyncio.to_thread(out.write, bytes(buffer))
    except BaseException:
        out.close()
        part.unlink(missing_ok=True)
        raise
    out.close()
    await asyncio.to_thread(os.replace, part, target)
    return size, digest.hexdigest()
