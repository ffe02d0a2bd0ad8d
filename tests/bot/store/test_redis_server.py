"""The embedded Redis: started on demand, shared by a second process, persistent, stopped cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import redis

from bot.store.redis_server import ensure_embedded_redis, stop_embedded_redis


def _ensure_in_subprocess(directory: Path) -> dict:
    code = (
        "import json, sys; from pathlib import Path; from bot.store.redis_server import ensure_embedded_redis; "
        "s = ensure_embedded_redis(Path(sys.argv[1])); print(json.dumps({'port': s.port, 'started': s.started}))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(directory)], capture_output=True, text=True, check=True,
                         timeout=60)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_reuses_the_running_server(tmp_path: Path):
    first = ensure_embedded_redis(tmp_path / "r")
    try:
        assert first.started
        other = _ensure_in_subprocess(tmp_path / "r")
        assert other == {"port": first.port, "started": False}
        modules = {m[b"name"] for m in redis.Redis(port=first.port).execute_command("MODULE", "LIST")}
        assert b"search" in modules and b"ReJSON" in modules
    finally:
        assert stop_embedded_redis(tmp_path / "r")
    assert not stop_embedded_redis(tmp_path / "r")  # nothing left running


def test_data_survives_a_restart(tmp_path: Path):
    server = ensure_embedded_redis(tmp_path / "r")
    client = redis.Redis(port=server.port)
    client.execute_command("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "body", "TEXT")
    client.hset("doc:1", mapping={"body": "persistent lore"})
    stop_embedded_redis(tmp_path / "r")

    again = ensure_embedded_redis(tmp_path / "r")
    try:
        assert again.started
        client = redis.Redis(port=again.port)
        assert client.hget("doc:1", "body") == b"persistent lore"
        assert client.ft("idx").search("lore").total == 1
        assert (tmp_path / "r" / "redis.log").exists()
    finally:
        stop_embedded_redis(tmp_path / "r")
