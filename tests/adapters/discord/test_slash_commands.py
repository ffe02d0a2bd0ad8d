"""Slash commands through the real discord.py client and the fake Discord: what was synced, and the
callback, followup and edit requests the client really sent for each command."""

from __future__ import annotations

import asyncio

from bot.types import Question
from ingest.sources import Registry
from testkit.fakes import discord_payloads as p
from testkit.fakes.discord_store import EPHEMERAL
from tests.adapters.discord.conftest import answered

QUESTION = "Which Discord intent must I enable so Lorebot can read mentions?"
ADMIN_ONLY = {"link", "unlink", "sync", "mode", "escalate"}


def callbacks(fake, payload):
    return fake.requests("POST", rf"/interactions/{payload['id']}/{payload['token']}/callback")


async def test_commands_are_synced_to_the_configured_guild_with_admin_ones_hidden(start_discord, discord_api):
    await start_discord()
    synced = {c["name"]: c for c in discord_api.commands[discord_api.guild_id]}
    assert set(synced) == {"ask", "sources", "link", "unlink", "sync", "status", "forget", "help", "mode", "escalate"}
    assert None not in discord_api.commands  # guilds configured: nothing global
    for name, command in synced.items():
        expected = str(p.MANAGE_GUILD) if name in ADMIN_ONLY else None
        assert command["default_member_permissions"] == expected, name
    assert [o["name"] for o in synced["link"]["options"]] == ["source"]
    assert synced["ask"]["options"][0] | {"required": True} == synced["ask"]["options"][0]
    assert [(o["name"], o.get("required", False)) for o in synced["ask"]["options"]] == [("question", True),
                                                                                         ("private", False)]
    assert [o["name"] for o in synced["escalate"]["options"]] == ["target", "off"]


async def test_ask_is_deferred_then_answered_by_a_followup_with_citations_and_buttons(start_discord, discord_api):
    running = await start_discord()
    payload = discord_api.slash("ask", question=QUESTION)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [message] = await answered(discord_api, running, payload["token"])

    [defer] = callbacks(discord_api, payload)
    assert defer.json == {"type": 5}  # deferred, thinking, in public
    followups = discord_api.requests(None, rf"/webhooks/{discord_api.app_id}/{payload['token']}")
    assert followups and all(r.at > defer.at for r in followups)
    assert all(r.status == 200 for r in discord_api.requests())
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in followups if r.method == "POST")

    assert "[1]" in message["content"] and not message["flags"] & EPHEMERAL
    [embed] = message["embeds"]
    assert embed["title"] == "Sources"
    assert embed["fields"][0]["name"] == "[1] Discord bot setup"
    buttons = [b["custom_id"] for row in message["components"] for b in row["components"]]
    answer_id = buttons[0].split(":")[2]
    assert buttons == [f"lorebot:fb:{answer_id}:1", f"lorebot:fb:{answer_id}:0", f"lorebot:ask:{answer_id}"]
    assert await running.bot.redis.exists(f"{running.bot.settings.key_prefix}:answer:{answer_id}")


async def test_defer_comes_within_three_seconds_even_when_the_model_is_slow(start_discord, discord_api, fake_openai):
    running = await start_discord()
    fake_openai.delay = 1.6  # each of the question's embedding and the answer: over 3 s in all
    # (the fake Discord refuses a callback more than 3 s after the dispatch)
    payload = discord_api.slash("ask", question=QUESTION)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [message] = await answered(discord_api, running, payload["token"])
    [defer] = callbacks(discord_api, payload)
    assert defer.status == 200
    final = discord_api.requests(None, rf"/webhooks/.*/{payload['token']}")[-1]
    assert final.at - defer.at > 3  # the answer came later, into the deferred response
    assert "[1]" in message["content"]


async def test_a_long_answer_is_split_into_messages_within_discords_limits(start_discord, discord_api, fake_openai):
    running = await start_discord()
    paragraphs = [f"Paragraph {i}: " + "the gateway intent matters here. " * 20 for i in range(8)]
    fake_openai.reply = lambda messages: "\n\n".join(paragraphs) + " [1]"
    payload = discord_api.slash("ask", question=QUESTION)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    messages = await answered(discord_api, running, payload["token"])

    assert len(messages) == 4  # two paragraphs fit in 2,000 characters, three do not
    assert all(r.status == 200 for r in discord_api.requests())  # the fake refuses anything over the limits
    assert all(len(m["content"]) <= 2000 for m in messages)
    assert all(m["content"].startswith("Paragraph") for m in messages)  # cut between paragraphs
    assert " ".join(m["content"] for m in messages).split() == ("\n\n".join(paragraphs) + " [1]").split()
    assert [bool(m["embeds"]) for m in messages] == [False, False, False, True]  # sources and buttons last
    assert [bool(m["components"]) for m in messages] == [False, False, False, True]


async def test_admin_commands_check_the_permission_again_when_they_run(start_discord, discord_api):
    running = await start_discord()
    registry = Registry(running.bot.redis, running.bot.settings.key_prefix)
    scope = f"discord:{discord_api.thread['parent_id']}"
    await registry.unlink("lorebot-docs", scope)

    denied = discord_api.slash("link", source="lorebot-docs")
    await discord_api.dispatch("INTERACTION_CREATE", denied)
    [refusal] = await answered(discord_api, running, denied["token"])
    assert "only an admin" in refusal["content"] and refusal["flags"] & EPHEMERAL
    assert "lorebot-docs" not in await registry.linked(scope)

    allowed = discord_api.slash("link", source="lorebot-docs", permissions=p.MEMBER_PERMISSIONS | p.MANAGE_GUILD)
    await discord_api.dispatch("INTERACTION_CREATE", allowed)
    [done] = await answered(discord_api, running, allowed["token"])
    assert done["content"].startswith("Linked `lorebot-docs`") and done["flags"] & EPHEMERAL
    assert "lorebot-docs" in await registry.linked(scope)


async def test_the_configured_admin_role_may_use_admin_commands(start_discord, discord_api):
    running = await start_discord(LOREBOT_DISCORD_ADMIN_ROLE=discord_api.admin_role["name"])
    payload = discord_api.slash("unlink", source="lorebot-docs", roles=(discord_api.admin_role["id"],))
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [done] = await answered(discord_api, running, payload["token"])
    assert done["content"].startswith("Unlinked `lorebot-docs`")
    channel = Question("discord", discord_api.channel["id"], "")
    assert await running.bot.redis.smembers(f"{running.bot.settings.key_prefix}:links:{channel.scope}") == set()


async def test_help_sources_and_forget_answer_the_asker_alone(start_discord, discord_api):
    running = await start_discord()
    ask = discord_api.slash("ask", question=QUESTION, where=discord_api.thread)
    await discord_api.dispatch("INTERACTION_CREATE", ask)
    await answered(discord_api, running, ask["token"])
    conversation = Question("discord", discord_api.channel["id"], "", thread=discord_api.thread["id"]).conversation
    assert len(await running.bot.memory.recent(conversation)) == 2  # the thread's own memory

    shown = {}
    for name in ("help", "sources", "forget"):
        payload = discord_api.slash(name, where=discord_api.thread)
        await discord_api.dispatch("INTERACTION_CREATE", payload)
        [shown[name]] = await answered(discord_api, running, payload["token"])
        assert callbacks(discord_api, payload)[0].json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert "`ask QUESTION`" in shown["help"]["content"]
    assert "`lorebot-docs`" in shown["sources"]["content"]
    assert "forgotten" in shown["forget"]["content"]
    assert await running.bot.memory.recent(conversation) == []


async def test_status_reports_the_channels_sources(start_discord, discord_api):
    running = await start_discord()
    payload = discord_api.slash("status")
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [status] = await answered(discord_api, running, payload["token"])
    assert status["content"].startswith("Sources:") and "`lorebot-docs`" in status["content"]
    assert status["flags"] & EPHEMERAL


async def test_admin_commands_are_refused_in_dms(start_discord, discord_api):
    running = await start_discord()
    payload = discord_api.slash("link", where=discord_api.dm, source="lorebot-docs")
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [refusal] = await answered(discord_api, running, payload["token"])
    assert "only an admin" in refusal["content"] and refusal["flags"] & EPHEMERAL
    assert not await running.bot.redis.exists(f"{running.bot.settings.key_prefix}:links:discord:{discord_api.dm['id']}")


async def test_when_discord_refuses_the_answer_the_user_still_gets_a_short_message(start_discord, discord_api):
    running = await start_discord()
    payload = discord_api.slash("ask", question=QUESTION)
    discord_api.fail_next("PATCH", rf"/webhooks/.*/{payload['token']}/messages/")  # the final edit
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    shown = await discord_api.wait_for(lambda: [m for m in discord_api.interaction_messages(payload["token"])
                                                if m["content"].startswith("Sorry")], what="the apology")
    assert shown[0]["flags"] & EPHEMERAL
    assert [r.status for r in discord_api.requests("PATCH", payload["token"])] == [400]
    assert running.client.is_ready()


async def test_an_interaction_delivered_twice_is_answered_once(start_discord, discord_api):
    running = await start_discord()
    payload = discord_api.slash("ask", question=QUESTION)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    await answered(discord_api, running, payload["token"])
    await asyncio.sleep(0.2)  # time for a second handling to show itself, if there were one
    assert len(callbacks(discord_api, payload)) == 1
    assert len(discord_api.requests("POST", rf"/webhooks/.*/{payload['token']}")) == 1
