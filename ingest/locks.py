"""One sync of a source at a time across every process and replica: a Redis lock per source.

redis-py's Lock (SET NX PX with a random token, release and renewal only by the token's owner)
expires by itself when its holder dies, so a crashed sync never blocks the source for long. While
a sync runs, a background task renews the lock; if renewing fails (the lock expired, say Redis was
unreachable longer than the lock's lifetime), the sync is cancelled rather than left running
beside the next holder.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from ingest.sources import sync_lock_key

log = logging.getLogger(__name__)


class SyncBusy(RuntimeError):
    """Another process (or task) is syncing this source now."""


class LockLost(RuntimeError):
    """The lock expired while the sync held it; the sync was stopped."""


class SourceLock:
    def __init__(self, redis: Redis, prefix: str, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self._lock = Lock(redis, sync_lock_key(prefix, name), timeout=seconds, thread_local=False)
        self.lost = False

    async def acquire(self) -> bool:
        """Take the lock without waiting; False when someone else holds it."""
        return bool(await self._lock.acquire(blocking=False))

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Run the body with the (acquired) lock renewed; release it at the end. Raises LockLost
        when the lock could not be kept."""
        owner = asyncio.current_task()
        assert owner is not None
        renewal = asyncio.create_task(self._renew(owner))
        try:
            yield
        except asyncio.CancelledError:
            if self.lost and owner.uncancel() == 0:
                raise LockLost(f"the sync lock of {self.name} expired while syncing; stopped") from None
            raise
        finally:
            renewal.cancel()
            await self._release()

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Acquire (or raise SyncBusy) and hold for the body."""
        if not await self.acquire():
            raise SyncBusy(f"a sync of {self.name} is already running")
        async with self.held():
            yield

    async def _renew(self, owner: asyncio.Task) -> None:
        while True:
            await asyncio.sleep(self.seconds / 3)
            try:
                await self._lock.reacquire()
            except (LockError, RedisError) as exc:
                log.error("lost the sync lock of %s (%s): stopping the sync", self.name, type(exc).__name__)
                self.lost = True
                owner.cancel()
                return

    async def _release(self) -> None:
        try:
            await self._lock.release()
        except LockError:
            pass  # it expired: someone else may hold it now, and that is theirs to release
        except RedisError as exc:
            log.warning("could not release the sync lock of %s (%s): it expires by itself", self.name,
                        type(exc).__name__)
