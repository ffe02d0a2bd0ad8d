"""A generated export for sync fault tests, and striking in the middle of its sync: `when_written`
runs an action (shut Redis down, kill it) once a given number of documents are stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from redis.asyncio import Redis
from redis.commands.search.query import Query

from bot.core import Lorebot
from testkit.exports import page, write_pages

PAGES = 240
LONG_EVERY = 8  # every 8th page is long enough for several chunks


def codename(i: int) -> str:
    """A word that names page i alone (single digits are not searchable terms)."""
    return "lore" + "".join(chr(ord("a") + int(d)) for d in f"{i:04d}")


def export(root: Path, pages: int = PAGES) -> dict[str, str]:
    """Write a generated export; returns {doc_id: page text}."""
    files = {}
    for i in range(pages):
        paras = [f"The {codename(i)} runbook explains topic {i % 17} of the handbook in plain words."]
        if i % LONG_EVERY == 0:
            paras += [f"Paragraph {p} of long page {i}: " + "detail " * 180 for p in range(4)]
        files[f"space-{i % 5}/page-{i:04d}.md"] = page(f"Runbook {codename(i)}", *paras)
    write_pages(root, files)
    return files


async def when_written(client: Redis, bot: Lorebot, at_least: int, action: Callable[[], None]) -> int:
    """Run `action` (in a thread) once `at_least` document records are stored; returns how many were."""
    index = bot.indexes.keys.doc_index
    while True:
        written = (await client.ft(index).search(Query("*").paging(0, 0))).total
        if written >= at_least:
            await asyncio.to_thread(action)
            return written
        await asyncio.sleep(0.002)
