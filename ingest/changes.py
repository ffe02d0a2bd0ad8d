"""Announcing what a sync changed: "source S gained or changed documents at T", on a Redis stream
(bot.keys.source_changes) that the bot processes read to re-ask the questions they abstained on
(bot/insights/reanswer.py). A sync that changed nothing, or only deleted, announces nothing."""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import keys
from ingest.indexer import SyncReport

log = logging.getLogger(__name__)
KEEP = 10_000  # entries kept (approximately): far more than the readers ever lag


async def announce_changes(redis: Redis, prefix: str, report: SyncReport) -> bool:
    """Add an entry when `report` added or changed documents; True when one was added. A Redis failure
    is logged, not raised: the sync itself succeeded."""
    if not report.ok or report.added + report.changed == 0:
        return False
    try:
        await redis.xadd(keys.source_changes(prefix), {
            "source": report.source, "added": report.added, "changed": report.changed, "ts": time.time(),
        }, maxlen=KEEP, approximate=True)
    except RedisError as exc:
        log.warning("could not announce the changes of %s: %s", report.source, type(exc).__name__)
        return False
    return True
