"""/mode and /escalate through the real discord.py client and the fake Discord: an admin's change is
stored in the channel's settings (bot.channels.ChannelStore) and followed at once; anyone else is
refused, as /link refuses them; options reach Lorebot typed as Discord sends them (a number, a
boolean, a role or member with its resolved data)."""

from __future__ import annotations

import pytest

from bot.channels import ChannelConfig, ChannelMode, ChannelStore
from testkit.fakes import discord_payloads as p
from testkit.fakes.discord_options import OptionRefused
from testkit.fakes.discord_store import EPHEMERAL
from tests.adapters.discord.conftest import answered

ADMIN = p.MEMBER_PERMISSIONS | p.MANAGE_GUILD
FAST = {"LOREBOT_AUTO_POLL_SECONDS": 0.05, "LOREBOT_AUTO_USER_GAP": 0, "LOREBOT_AUTO_CHANNEL_GAP": 0,
        "LOREBOT_DISCORD_MESSAGE_CONTENT": "true"}


async def command(discord_api, running, name: str, **options) -> dict:
    """Run /name with `options` in the text channel; the one message the asker sees."""
    payload = discord_api.slash(name, **options)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [shown] = await answered(discord_api, running, payload["token"])
    assert shown["flags"] & EPHEMERAL
    return shown


async def settings_of(running, channel_id: str) -> ChannelConfig:
    bot = running.bot
    return await ChannelStore(bot.redis, bot.settings.key_prefix).get(f"discord:{channel_id}")


async def test_an_admin_sets_the_mode_and_it_is_followed_at_once(start_discord, discord_api):
    running = await start_discord(**FAST)
    channel = discord_api.channel["id"]
    done = await command(discord_api, running, "mode", mode="auto", permissions=ADMIN)
    assert done["content"].startswith("Done. Mode **auto**")
    assert await settings_of(running, channel) == ChannelConfig(mode=ChannelMode.AUTO)

    question = discord_api.says("How do I set up the Discord bot?")  # no mention: auto mode takes it
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [answer] = await discord_api.wait_for(
        lambda: [r.json for r in discord_api.requests("POST", rf"^/channels/{question['id']}/messages$")],
        what="the unasked answer in the question's thread")
    assert "[1]" in answer["content"]

    done = await command(discord_api, running, "mode", mode="auto", wait="10m", threshold=0.5, permissions=ADMIN)
    assert "if no one has replied within 10m" in done["content"] and "threshold: 0.5" in done["content"]
    assert await settings_of(running, channel) == ChannelConfig(mode=ChannelMode.AUTO, wait_seconds=600.0,
                                                                threshold=0.5)
    done = await command(discord_api, running, "mode", mode="mentions", permissions=ADMIN)
    assert done["content"].startswith("Done. Mode **mentions**")
    assert await settings_of(running, channel) == ChannelConfig(threshold=0.5)  # back to mentions, no wait
    shown = await command(discord_api, running, "mode", permissions=ADMIN)  # no option: shows the settings
    assert shown["content"].startswith("Mode **mentions**")


async def test_an_admin_sets_the_escalation_target_to_a_role_a_member_or_off(start_discord, discord_api):
    running = await start_discord()
    channel, role, colleague = discord_api.channel["id"], discord_api.admin_role, discord_api.colleague
    done = await command(discord_api, running, "escalate", target=role, permissions=ADMIN)
    assert done["content"] == f"Done. Hand-offs go to `role:{role['id']}`."
    assert (await settings_of(running, channel)).escalate == f"role:{role['id']}"
    done = await command(discord_api, running, "escalate", target=colleague, permissions=ADMIN)
    assert done["content"] == f"Done. Hand-offs go to `user:{colleague['id']}`."
    assert (await settings_of(running, channel)).escalate == f"user:{colleague['id']}"
    done = await command(discord_api, running, "escalate", off=True, permissions=ADMIN)
    assert done["content"] == "Done. No hand-off target any more."
    assert (await settings_of(running, channel)).escalate == ""


async def test_mode_and_escalate_are_refused_to_members_who_are_not_admins(start_discord, discord_api):
    running = await start_discord()
    for name, options in (("mode", {"mode": "auto", "wait": "5m"}), ("escalate", {"target": discord_api.admin_role}),
                          ("escalate", {"off": True})):
        refusal = await command(discord_api, running, name, **options)
        assert refusal["content"].startswith(f"Sorry, only an admin can use `{name}`"), name
    assert await settings_of(running, discord_api.channel["id"]) == ChannelConfig()
    assert await ChannelStore(running.bot.redis, running.bot.settings.key_prefix).configured() == {}


async def test_the_fake_refuses_options_discords_client_would_not_send(start_discord, discord_api):
    await start_discord()
    for options in ({"mode": "always"}, {"threshold": 1.5}, {"wait": "x" * 17}, {"colour": "red"}):
        with pytest.raises(OptionRefused):
            discord_api.slash("mode", **options)
    with pytest.raises(OptionRefused):
        discord_api.slash("escalate", target="role:1")  # a mention option takes a user or role, not text
    with pytest.raises(OptionRefused):
        discord_api.slash("ask")  # its question is required
