"""Source names to suggest while a chat user types a command's SOURCE argument (Discord's
autocomplete of /link, /unlink and /sync): the known sources matching what was typed so far.

Suggestions are a convenience: for admins only (as `sources` shows every name to admins alone),
bounded in time, and with Redis down or slow simply none, never an error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from redis.exceptions import RedisError

from bot.core import Lorebot
from ingest.sources import Registry

log = logging.getLogger(__name__)

# Chat platforms drop a suggestion that comes late (Discord after 3 s), and the Redis client's
# retries alone can take longer than that while Redis restarts.
SUGGEST_SECONDS = 1.0


def rank_names(names: Iterable[str], typed: str, limit: int) -> list[str]:
    """Names starting with `typed`, then those containing it further on, ignoring case; each group
    in alphabetical order; at most `limit`. Nothing typed: every name."""
    wanted = typed.strip().casefold()
    ordered = sorted(names, key=lambda n: (n.casefold(), n))
    starts = [n for n in ordered if n.casefold().startswith(wanted)]
    inside = [n for n in ordered if wanted in n.casefold() and not n.casefold().startswith(wanted)]
    return (starts + inside)[:limit]


async def suggest_sources(bot: Lorebot, typed: str, is_admin: bool, limit: int) -> list[str]:
    """Up to `limit` known source names for what an admin typed; none for anyone else."""
    if not is_admin:
        return []
    try:
        async with asyncio.timeout(SUGGEST_SECONDS):
            names = await Registry(bot.redis, bot.settings.key_prefix).names()
    except (RedisError, TimeoutError) as exc:
        log.warning("no source suggestions: redis unavailable (%s)", type(exc).__name__)
        return []
    return rank_names(names, typed, limit)
