"""A sync that adds or changes documents announces it on the changes stream; one that changes
nothing does not."""

from __future__ import annotations

from pathlib import Path

from bot import keys
from ingest.context import IngestContext
from ingest.source_sync import sync_export


async def test_changes_are_announced(fake_bot, tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nAlpha.\n")
    ctx = IngestContext.of(fake_bot)
    stream = keys.source_changes(fake_bot.settings.key_prefix)
    await sync_export(ctx, "docs", docs, None)
    await sync_export(ctx, "docs", docs, None)  # unchanged
    (docs / "a.md").unlink()
    await sync_export(ctx, "docs", docs, None)  # only a deletion
    entries = await fake_bot.redis.xrange(stream)
    assert [(e[b"source"], e[b"added"], e[b"changed"]) for _, e in entries] == [(b"docs", b"1", b"0")]
