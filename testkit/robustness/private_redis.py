"""An embedded Redis in a folder of its own, which a test or benchmark may shut down, kill -9 and
restart from its AOF (the session's shared server is never touched)."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from bot.store.redis_server import EmbeddedRedis, ensure_embedded_redis, stop_embedded_redis


def _gone(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True  # reaped here
    except ChildProcessError:
        pass  # not our child, or already reaped
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@dataclass
class PrivateRedis:
    directory: Path
    server: EmbeddedRedis

    @classmethod
    def start(cls, directory: Path) -> PrivateRedis:
        return cls(directory, ensure_embedded_redis(directory))

    @property
    def url(self) -> str:
        return self.server.url

    def kill9(self) -> None:
        os.kill(self.server.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not _gone(self.server.pid):
            assert time.monotonic() < deadline, "redis-server survived SIGKILL"
            time.sleep(0.02)

    def shutdown(self) -> None:
        assert stop_embedded_redis(self.directory)

    def restart(self) -> None:
        """Start it again from its AOF, as the next `lorebot` process would; it takes the same port."""
        port = self.server.port
        self.server = ensure_embedded_redis(self.directory)
        assert self.server.started and self.server.port == port

    def ping(self) -> bool:
        return bool(redis.Redis(port=self.server.port, socket_timeout=5, retry=None).ping())

    def stop(self) -> None:
        """At the end: stopped cleanly if it still runs (no error if a test killed it)."""
        stop_embedded_redis(self.directory)
