"""An aiohttp server on its own event loop in a background thread, for protocol fakes: clients under
test (on the test's loop, or blocking ones) talk to it over real sockets.

Subclasses build their `web.Application` in `build_app` and may close what they hold in `on_stop`;
`run(coro)` runs a coroutine on the server's loop from the test's loop (thread-safe).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Coroutine
from typing import Any, Self, TypeVar

from aiohttp import web

T = TypeVar("T")


class BackgroundServer:
    name = "fake-server"

    def __init__(self) -> None:
        self.port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None

    def build_app(self) -> web.Application:
        raise NotImplementedError

    async def on_stop(self) -> None:
        """Close long-lived connections (websockets) before the runner shuts down."""

    async def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        if self._loop is None:
            coro.close()
            raise RuntimeError(f"{self.name} is not running")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(sock),), name=self.name, daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)
        if self._start_error is not None or not self._ready.is_set():
            self.stop()
            raise RuntimeError(f"{self.name} did not start") from self._start_error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            try:
                self._loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:  # the loop already ended (the server failed to start)
                pass
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = self._loop = self._stopping = None
        self._ready.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _serve(self, sock: socket.socket) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        runner = web.AppRunner(self.build_app(), handle_signals=False, shutdown_timeout=0.5)
        try:
            await runner.setup()
            sock.listen()
            await web.SockSite(runner, sock).start()
        except BaseException as exc:  # reported to start() in the caller's thread
            self._start_error = exc
            sock.close()
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self.on_stop()
            await runner.cleanup()
