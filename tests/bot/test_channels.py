"""Channel settings in Redis: defaults, partial updates, refusals, reset, listing."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from bot.channels import ChannelConfig, ChannelMode, ChannelStore


@pytest.fixture
async def store(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    yield ChannelStore(client, key_prefix)
    await client.aclose()


async def test_a_channel_starts_with_the_defaults_and_keeps_what_is_changed(store):
    assert await store.get("slack:C1") == ChannelConfig()
    await store.update("slack:C1", mode=ChannelMode.AUTO, wait_seconds=600.0)
    changed = await store.update("slack:C1", threshold=0.4)
    assert changed == ChannelConfig(mode=ChannelMode.AUTO, wait_seconds=600.0, threshold=0.4)
    assert await store.get("slack:C1") == changed
    assert await store.get("slack:C2") == ChannelConfig()
    assert list(await store.configured()) == ["slack:C1"]


@pytest.mark.parametrize("change", [{"threshold": 1.5}, {"wait_seconds": -1.0}, {"mode": "loud"}])
async def test_bad_values_are_refused_and_nothing_is_stored(store, change):
    with pytest.raises(ValueError):
        await store.update("discord:9", **change)
    assert await store.configured() == {}


async def test_reset_returns_to_the_defaults(store):
    await store.update("discord:9", escalate="role:42")
    assert await store.reset("discord:9") is True
    assert await store.get("discord:9") == ChannelConfig()
    assert await store.reset("discord:9") is False
