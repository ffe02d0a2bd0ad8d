"""The answers this process is writing, so a shutdown can let them finish before the client closes
(an interaction's followups can only come from the process that deferred it)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class Inflight:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count the current task as an answer in progress while the block runs."""
        task = asyncio.current_task()
        assert task is not None, "track() runs inside a task"
        self._tasks.add(task)
        try:
            yield
        finally:
            self._tasks.discard(task)

    async def drain(self, timeout: float) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
