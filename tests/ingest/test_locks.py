"""The per-source sync lock on real Redis: one holder at a time, renewed past its lifetime while
held, released only by its owner, and a holder that loses it is stopped."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from ingest.locks import LockLost, SourceLock, SyncBusy
from ingest.sources import sync_lock_key


@pytest.fixture
async def redis(redis_url):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_one_holder_and_renewal_past_the_lifetime(redis, key_prefix):
    first = SourceLock(redis, key_prefix, "wiki", seconds=1)
    second = SourceLock(redis, key_prefix, "wiki", seconds=1)
    async with first.exclusive():
        with pytest.raises(SyncBusy):
            async with second.exclusive():
                pass
        await asyncio.sleep(1.6)  # longer than the lock's life: renewal keeps it
        assert await redis.pttl(sync_lock_key(key_prefix, "wiki")) > 0
        assert not await second.acquire()
    assert not await redis.exists(sync_lock_key(key_prefix, "wiki"))  # released at the end
    assert await second.acquire()


async def test_a_holder_that_loses_the_lock_is_stopped_and_frees_nothing_of_others(redis, key_prefix):
    lock = SourceLock(redis, key_prefix, "wiki", seconds=1)
    key = sync_lock_key(key_prefix, "wiki")
    with pytest.raises(LockLost, match="expired while syncing"):
        async with lock.exclusive():
            await redis.set(key, "another-process-token", px=5000)  # as if it had expired and been taken
            await asyncio.sleep(5)  # the sync would go on; the failed renewal stops it
    assert await redis.get(key) == b"another-process-token"
