"""Which sources a conversation may see: the sources linked to its channel, what the settings allow
for DMs, and every source for the local CLI when no channel is named."""

from __future__ import annotations

from redis.asyncio import Redis

from bot import keys
from bot.settings import Settings
from bot.types import Question

LOCAL_CHANNEL = "local"  # `lorebot ask` / `lorebot chat` without --channel


async def visible_sources(redis: Redis, settings: Settings, q: Question) -> list[str] | None:
    """None: every source. A list (maybe empty): only those."""
    if q.platform == "cli" and q.channel == LOCAL_CHANNEL:
        return None
    members = await redis.smembers(keys.links(settings.key_prefix, q.scope))
    linked = {m.decode() if isinstance(m, bytes) else m for m in members}
    if q.is_dm:
        allowed = settings.dm_source_list
        if allowed is None:
            return None
        linked |= set(allowed)
    return sorted(linked)
