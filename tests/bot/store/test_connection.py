"""REDIS_URL handling: a server without the search module is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from adapters.settings import load_settings
from bot.store.connection import NO_SEARCH, RedisUnavailable, connect, redacted
from bot.store.redis_server import server_binary


@pytest.fixture
def plain_redis(tmp_path: Path):
    """A real redis-server with no modules loaded."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(server_binary()), "--port", str(port), "--save", "", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            redis.Redis(port=port).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


async def test_server_without_search_is_refused_clearly(plain_redis: str):
    with pytest.raises(RedisUnavailable) as exc:
        await connect(load_settings(_env_file=None, REDIS_URL=plain_redis))
    assert str(exc.value) == NO_SEARCH
    assert "Redis 8" in str(exc.value) and "unset REDIS_URL" in str(exc.value)


def test_cli_prints_one_clear_line(plain_redis: str, tmp_path: Path):
    env = {"REDIS_URL": plain_redis, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "adapters.cli", "status"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=60)
    assert res.returncode == 1
    assert "no search module" in res.stderr
    assert "Traceback" not in res.stderr


async def test_unreachable_redis_names_no_password():
    settings = load_settings(_env_file=None, REDIS_URL="redis://user:hunter2secret@127.0.0.1:1/0")
    with pytest.raises(RedisUnavailable) as exc:
        await connect(settings)
    assert "hunter2secret" not in str(exc.value)
    assert "***@127.0.0.1:1" in str(exc.value)


def test_redacted_keeps_plain_urls():
    assert redacted("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
