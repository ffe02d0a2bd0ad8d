"""Which sources a conversation may see: the sources linked to its channel, what the settings allow
for DMs, and every source for the local CLI when no channel is named. Where people of other
organisations read along (Question.external), only the sources cleared for sharing (`shared_ok`)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot import keys
from bot.settings import Settings
from bot.types import Question

LOCAL_CHANNEL = "local"  # `lorebot ask` / `lorebot chat` without --channel


def _names(members: set[bytes | str]) -> set[str]:
    return {m.decode() if isinstance(m, bytes) else m for m in members}


async def visible_sources(redis: Redis, settings: Settings, q: Question) -> list[str] | None:
    """None: every source. A list (maybe empty): only those."""
    if q.platform == "cli" and q.channel == LOCAL_CHANNEL:
        return None
    linked = _names(await redis.smembers(keys.links(settings.key_prefix, q.scope)))
    if q.is_dm:
        allowed = settings.dm_source_list
        if allowed is None and not q.external:
            return None
        linked |= set(allowed or ())
        if allowed is None:  # every source, as far as sharing allows
            linked |= _names(await redis.smembers(keys.sources(settings.key_prefix)))
    if q.external:
        linked &= _names(await redis.smembers(keys.shared_sources(settings.key_prefix)))
    return sorted(linked)


async def withheld_sources(redis: Redis, settings: Settings, q: Question) -> bool:
    """True when an external conversation sees nothing only because its sources are internal."""
    if not q.external:
        return False
    return bool(await visible_sources(redis, settings, Question(q.platform, q.channel, "", is_dm=q.is_dm)))
