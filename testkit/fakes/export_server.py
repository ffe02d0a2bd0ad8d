"""A real HTTP server for export downloads, on the test's event loop: ETag / If-None-Match and
Last-Modified / If-Modified-Since, an optional required auth header, 404s, and a stall switch that
sends half a body and then hangs (to kill a sync mid-download)."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from email.utils import formatdate

import pytest
from aiohttp import web


@dataclass
class Served:
    body: bytes
    etag: str | None
    last_modified: str | None
    chunked: bool = False  # sent without a Content-Length


class ExportServer:
    def __init__(self) -> None:
        self.files: dict[str, Served] = {}
        self.requests: list[dict[str, str]] = []  # the headers of each request
        self.required: tuple[str, str] | None = None  # (header, value) every request must carry
        self.stall = False
        self.stalled = asyncio.Event()  # set once a stalled request has sent half its body
        self._runner: web.AppRunner | None = None
        self.port = 0

    def put(self, path: str, body: bytes, etag: bool = True, last_modified: bool = True, chunked: bool = False) -> None:
        tag = f'"{hashlib.sha1(body).hexdigest()[:16]}"' if etag else None
        when = formatdate(usegmt=True) if last_modified else None
        self.files[path] = Served(body, tag, when, chunked)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def start(self) -> ExportServer:
        app = web.Application()
        app.router.add_get("/{path:.*}", self._get)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _get(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(dict(request.headers))
        if self.required and request.headers.get(self.required[0]) != self.required[1]:
            return web.Response(status=401, reason="Unauthorized")
        served = self.files.get(request.match_info["path"])
        if served is None:
            return web.Response(status=404, reason="Not Found")
        headers = {k: v for k, v in (("ETag", served.etag), ("Last-Modified", served.last_modified)) if v}
        if served.etag and request.headers.get("If-None-Match") == served.etag:
            return web.Response(status=304, headers=headers)
        since = request.headers.get("If-Modified-Since")
        if not served.etag and served.last_modified and since == served.last_modified:
            return web.Response(status=304, headers=headers)
        if self.stall:
            resp = web.StreamResponse(headers={**headers, "Content-Length": str(len(served.body))})
            await resp.prepare(request)
            await resp.write(served.body[: len(served.body) // 2])
            self.stalled.set()
            await asyncio.Event().wait()  # until the client goes away or the server stops
        if served.chunked:
            resp = web.StreamResponse(headers=headers)
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            for i in range(0, len(served.body), 1 << 16):
                await resp.write(served.body[i : i + (1 << 16)])
            await resp.write_eof()
            return resp
        return web.Response(body=served.body, headers=headers, content_type="application/zip")


@pytest.fixture
async def export_server():
    """A running ExportServer for one test (import this fixture into the test module)."""
    server = await ExportServer().start()
    yield server
    await server.stop()
