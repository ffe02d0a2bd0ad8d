"""Every way a person addresses Lorebot on Discord, through the real discord.py client and the fake
gateway (which withholds message text as Discord does from a bot without the message-content
intent): what is answered, what is explained, what is left alone, and that nothing pings anyone."""

from __future__ import annotations

import asyncio
import re

from adapters.discord.mentions import WITHHELD
from testkit.fakes import discord_payloads as p
from tests.adapters.discord.conftest import replies

QUESTION = "How do I set up the Discord bot?"


async def answered_once(fake, running, question: dict) -> list[dict]:
    found = await replies(fake, running, question)
    await asyncio.sleep(0.2)  # time for a second answer to show itself, if there were one
    return found


async def test_user_and_nickname_mentions_are_answered(start_discord, discord_api):
    running = await start_discord()
    for question in (discord_api.mention(QUESTION), discord_api.nickname_mention(QUESTION)):
        await discord_api.dispatch("MESSAGE_CREATE", question)
        [reply] = await answered_once(discord_api, running, question)
        assert "[1]" in reply["content"] and reply["embeds"]
    asked = [t.content for t in await running.bot.memory.recent(f"discord:{discord_api.channel['id']}")
             if t.role == "user"]
    assert asked == [QUESTION, QUESTION]  # the mention, in either form, is not part of the question


async def test_the_bots_role_and_replies_without_a_ping_are_explained(start_discord, discord_api):
    """Discord shows a bot without the message-content intent no text for these: Lorebot says how to ask."""
    running = await start_discord()
    by_role = discord_api.role_mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", by_role)
    [reply] = await answered_once(discord_api, running, by_role)
    assert reply["content"] == WITHHELD and not reply["embeds"] and not reply["components"]

    answer = reply
    quiet_reply = discord_api.reply_to(answer, "Which intent does it need?", ping=False)
    await discord_api.dispatch("MESSAGE_CREATE", quiet_reply)
    [explained] = await answered_once(discord_api, running, quiet_reply)
    assert explained["content"] == WITHHELD


async def test_a_reply_that_pings_lorebot_is_answered(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [answer] = await replies(discord_api, running, question)
    follow_up = discord_api.reply_to(answer, "Which intent does it need?", ping=True)
    await discord_api.dispatch("MESSAGE_CREATE", follow_up)
    [reply] = await answered_once(discord_api, running, follow_up)
    assert "[1]" in reply["content"] and reply["message_reference"]["message_id"] == follow_up["id"]


async def test_edits_are_never_answered(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    await replies(discord_api, running, question)
    plain = p.message(p.snowflake(), discord_api.channel["id"], discord_api.user, "hello",
                      guild_id=discord_api.guild_id, member=p.member(discord_api.user))
    await discord_api.dispatch("MESSAGE_CREATE", plain)
    await discord_api.dispatch("MESSAGE_UPDATE", p.edited(question, f"<@{discord_api.app_id}> And in a thread?"))
    await discord_api.dispatch("MESSAGE_UPDATE", p.edited(plain, f"<@{discord_api.app_id}> {QUESTION}",
                                                          mentions=[discord_api.bot_user]))
    sentinel = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", sentinel)
    await answered_once(discord_api, running, sentinel)
    # Count what the channel shows, not POSTs: a streamed preview that outgrew one message posts a
    # second part that the final answer may delete again, and how often that happens depends on timing.
    shown = discord_api.channel_messages(discord_api.channel["id"])
    replied_to = [(m.get("message_reference") or {}).get("message_id") for m in shown]
    assert sorted(r for r in replied_to if r) == sorted([question["id"], sentinel["id"]])  # one answer each


async def test_lorebots_own_messages_in_any_form_are_left_alone(start_discord, discord_api):
    running = await start_discord(LOREBOT_DISCORD_ANSWER_BOTS="true")
    own = p.message(p.snowflake(), discord_api.channel["id"], discord_api.bot_user, f"<@{discord_api.app_id}> hi",
                    guild_id=discord_api.guild_id, mentions=[discord_api.bot_user])
    response = {**own, "id": p.snowflake(), "author": p.user(p.snowflake(), "Lorebot", bot=True),
                "webhook_id": discord_api.app_id, "application_id": discord_api.app_id}
    for message in (own, response):
        await discord_api.dispatch("MESSAGE_CREATE", message)
    sentinel = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", sentinel)
    await answered_once(discord_api, running, sentinel)
    replied_to = [(m.get("message_reference") or {}).get("message_id")
                  for m in discord_api.channel_messages(discord_api.channel["id"])]
    assert [r for r in replied_to if r] == [sentinel["id"]]  # what the channel shows (see above)


async def test_quoted_pings_stay_inert_and_links_and_code_survive_the_split(start_discord, discord_api, fake_openai):
    link = "[incident runbook](https://wiki.example.com/wiki/Incident_response_(SEV1))"
    code = "```python\n" + "\n".join(f"step_{i} = run({i})" for i in range(120)) + "\n```"
    text = (f"@everyone @here <@&{discord_api.admin_role['id']}> <@{discord_api.user['id']}> see {link} [1]\n\n"
            + " ".join(f"{link} w{i}." for i in range(30)) + "\n\n" + code + f"\n\nDone {link}.")
    assert len(text) > 4000
    fake_openai.reply = lambda messages: text
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    parts = await replies(discord_api, running, question)
    assert len(parts) >= 3 and all(len(m["content"]) <= 2000 for m in parts)
    shown = "\n".join(m["content"] for m in parts)
    assert shown.count(link) == text.count(link)  # every link whole
    assert re.findall(r"step_\d+", shown) == re.findall(r"step_\d+", text)
    assert all(m["content"].count("```") % 2 == 0 for m in parts)
    sent = discord_api.requests(None, rf"/channels/{question['channel_id']}/messages")
    bodies = [r.json for r in sent if r.method in ("POST", "PATCH")]
    assert bodies
    for body in bodies:  # no @everyone, role or user is pinged, whatever the text holds
        allowed = body["allowed_mentions"]
        assert allowed["parse"] == [] and not allowed.get("users") and not allowed.get("roles")
        assert allowed.get("replied_user", False) is False
