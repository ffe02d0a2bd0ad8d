"""Autocomplete of the source option of /link, /unlink and /sync through the real discord.py client
and the fake Discord: the choices Lorebot answered with (callback type 8), what they match, and that
an autocomplete is answered in time with no choices when Redis does not answer."""

from __future__ import annotations

import pytest

from ingest.context import IngestContext
from ingest.removal import remove_source
from ingest.sources import Registry, Source
from testkit.fakes import discord_payloads as p
from testkit.fakes.discord_store import AUTOCOMPLETE_RESULT
from testkit.robustness.blackhole import Blackhole

ADMIN = p.MEMBER_PERMISSIONS | p.MANAGE_GUILD


async def register(running, folder, *names: str) -> None:
    registry = Registry(running.bot.redis, running.bot.settings.key_prefix)
    for name in names:
        await registry.add(Source(name=name, location=str(folder)).validated())


async def suggested(fake, command: str, typed: str, permissions: int = ADMIN, **extra) -> list[str]:
    """The source names Lorebot offers while `typed` is in /`command`'s source option (answered in time)."""
    payload = fake.autocomplete(command, "source", typed, permissions=permissions, **extra)
    await fake.dispatch("INTERACTION_CREATE", payload)
    path = rf"/interactions/{payload['id']}/{payload['token']}/callback"
    [callback] = await fake.wait_for(lambda: fake.requests("POST", path), what=f"the autocomplete of {typed!r}")
    assert callback.status == 200, callback  # within 3 s, at most 25 choices of valid lengths
    assert callback.json["type"] == AUTOCOMPLETE_RESULT
    choices = fake.choices(payload["token"])
    assert all(c["name"] == c["value"] for c in choices)
    return [c["name"] for c in choices]


async def test_the_source_option_is_synced_with_autocomplete_on(start_discord, discord_api):
    await start_discord()
    synced = {c["name"]: c for c in discord_api.commands[discord_api.guild_id]}
    for name in ("link", "unlink", "sync"):  # what makes Discord send autocomplete interactions at all
        [option] = synced[name]["options"]
        assert (option["name"], option.get("autocomplete")) == ("source", True), name
    assert not synced["ask"]["options"][0].get("autocomplete")


async def test_typed_text_offers_prefix_matches_then_substring_matches(start_discord, discord_api, tmp_path):
    running = await start_discord()  # knows lorebot-docs
    await register(running, tmp_path, "Handbook", "hand-tools", "ops-handover", "runbooks", "HR-policies")

    assert await suggested(discord_api, "link", "HAND") == ["hand-tools", "Handbook", "ops-handover"]
    assert await suggested(discord_api, "unlink", "book") == ["Handbook", "runbooks"]
    assert await suggested(discord_api, "sync", " r") == ["runbooks", "HR-policies", "lorebot-docs", "ops-handover"]
    assert await suggested(discord_api, "link", "wiki") == []


async def test_an_empty_value_lists_the_sources_at_most_25(start_discord, discord_api, tmp_path):
    running = await start_discord()
    names = [f"src-{i:02}" for i in range(30)]
    await register(running, tmp_path, *reversed(names))

    assert await suggested(discord_api, "link", "") == ["lorebot-docs", *names[:24]]
    assert await suggested(discord_api, "sync", "SRC-2") == names[20:30]


async def test_with_no_source_known_there_is_nothing_to_offer(start_discord, discord_api):
    running = await start_discord()
    assert await suggested(discord_api, "unlink", "") == ["lorebot-docs"]
    await remove_source(IngestContext.of(running.bot), "lorebot-docs")
    assert await suggested(discord_api, "unlink", "") == []
    assert await suggested(discord_api, "link", "lore") == []


async def test_only_admins_learn_the_source_names(start_discord, discord_api):
    await start_discord(LOREBOT_DISCORD_ADMIN_ROLE=discord_api.admin_role["name"])
    assert await suggested(discord_api, "link", "", permissions=p.MEMBER_PERMISSIONS) == []
    by_role = await suggested(discord_api, "link", "", permissions=p.MEMBER_PERMISSIONS,
                              roles=(discord_api.admin_role["id"],))
    assert by_role == ["lorebot-docs"]


@pytest.fixture
async def blackhole(redis_url):
    """A proxy to the session's Redis that can stop answering (set up before the bot, closed after it)."""
    proxy = await Blackhole(redis_url).start()
    yield proxy
    proxy.dropping = False
    await proxy.close()


async def test_a_silent_redis_gives_no_choices_in_time_then_suggestions_come_back(blackhole, start_discord,
                                                                                  discord_api):
    await start_discord(REDIS_URL=blackhole.url)
    blackhole.dropping = True
    assert await suggested(discord_api, "link", "lore") == []  # in time: the fake refuses after 3 s
    blackhole.dropping = False
    assert await suggested(discord_api, "link", "lore") == ["lorebot-docs"]
