"""Which sources a conversation may see: the sources linked to its channel, what the settings allow
for DMs, and every source for the local CLI when no channel is named."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.settings import Settings
from bot.types import Question

LOCAL_CHANNEL = "local"  # `lorebot ask` / `lorebot chat` without --channel


def links_key(prefix: str, scope: str) -> str:
    """The set of source names linked to `scope` ("slack:C123")."""
    return f"{prefix}:links:{scope}"


def sources_key(prefix: str) -> str:
    """The set of every known source name."""
    return f"{prefix}:sources"


async def visible_sources(redis: Redis, settings: Settings, q: Question) -> list[str] | None:
    """None: every source. A list (maybe empty): only those."""
    if q.platform == "cli" and q.channel == LOCAL_CHANNEL:
        return None
    linked = {m.decode() if isinstance(m, bytes) else m for m in await redis.smembers(links_key(settings.key_prefix, q.scope))}
    if q.is_dm:
        allowed = settings.dm_source_list
        if allowed is None:
            return None
        linked |= set(allowed)
    return sorted(linked)
