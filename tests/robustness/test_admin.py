"""Non-admins cannot link, unlink or sync, however the command is spelled: each gets the polite
refusal and nothing changes (links, the source's channels, its report, its lock, the index)."""

from __future__ import annotations

import asyncio

import pytest

from adapters.chat.commands import run_command
from bot.types import Question
from ingest.sources import Registry, Source, channels_key, report_key, sync_lock_key
from testkit.exports import page, write_pages

CHANNEL = Question("slack", "C42", "", user="U-not-admin")


async def state(bot) -> dict:
    prefix = bot.settings.key_prefix
    docs = (await bot.indexes.docs.info())["num_docs"]
    return {
        "links": set(await Registry(bot.redis, prefix).linked(CHANNEL.scope)),
        "channels": await bot.redis.smembers(channels_key(prefix, "handbook")),
        "report": await bot.redis.get(report_key(prefix, "handbook")),
        "lock": await bot.redis.exists(sync_lock_key(prefix, "handbook")),
        "docs": int(docs),
    }


@pytest.fixture
async def registered(fake_bot, tmp_path):
    root = write_pages(tmp_path / "handbook", {"a.md": page("Alpha", "First page."), "b.md": page("Beta", "Second.")})
    await Registry(fake_bot.redis, fake_bot.settings.key_prefix).add(Source("handbook", str(root)).validated())
    return fake_bot


async def test_non_admins_change_nothing(registered):
    registry = Registry(registered.redis, registered.settings.key_prefix)
    for name in ["link", "unlink", "sync", "LINK", "/sync", " unlink ", "Sync"]:
        for args in ["handbook", "handbook extra words", "  handbook  ", "", "*", "handbook; link all"]:
            if "unlink" in name.lower():  # something to unlink
                await registry.link("handbook", CHANNEL.scope)
            before = await state(registered)
            answer = await run_command(registered, CHANNEL, name, args, is_admin=False)
            assert (answer.error, answer.mode) == ("not_admin", "notice"), (name, args)
            assert "only an admin" in answer.text
            await asyncio.sleep(0.01)  # let a background sync, had one been started, show itself
            assert await state(registered) == before, (name, args)
            await registry.unlink("handbook", CHANNEL.scope)


async def test_admins_can(registered):
    """Control: the same commands from an admin do change things."""
    assert (await run_command(registered, CHANNEL, "link", "handbook", is_admin=True)).error is None
    assert (await state(registered))["links"] == {"handbook"}
    started = await run_command(registered, CHANNEL, "sync", "handbook", is_admin=True)
    assert started.error is None
    for _ in range(200):
        if (await state(registered))["report"]:
            break
        await asyncio.sleep(0.05)
    assert (await state(registered))["docs"] == 2
    assert (await run_command(registered, CHANNEL, "unlink", "handbook", is_admin=True)).error is None
    assert (await state(registered))["links"] == set()
