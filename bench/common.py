"""Shared benchmark helpers: a throwaway embedded Redis, percentiles, result files."""

from __future__ import annotations

import json
import statistics
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bot.store.redis_server import ensure_embedded_redis, stop_embedded_redis

RESULTS = Path(__file__).resolve().parent / "results"


@contextmanager
def scratch_redis():
    """A fresh embedded Redis in a temporary folder, stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="lorebot-bench-") as tmp:
        server = ensure_embedded_redis(Path(tmp) / "redis")
        try:
            yield server.url, Path(tmp)
        finally:
            stop_embedded_redis(Path(tmp) / "redis")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def save(name: str, figures: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


def report(name: str, figures: dict) -> None:
    """Print the figures, one a line, and write them to bench/results/NAME.json."""
    width = max(len(k) for k in figures) + 2
    for key, value in figures.items():
        print(f"{key:{width}} {value}")
    print(f"written to {save(name, figures)}")
