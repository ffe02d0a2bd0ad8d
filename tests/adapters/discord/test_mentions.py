"""@mentions and DMs through the real discord.py client: MESSAGE_CREATE from the fake gateway in,
replies (and their edits) to the fake REST API out."""

from __future__ import annotations

import asyncio

from bot.types import Question
from testkit.fakes import discord_payloads as p
from tests.adapters.discord.conftest import replies

QUESTION = "How do I set up the Discord bot?"


async def test_a_mention_is_answered_in_reply_with_citations_and_buttons(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [reply] = await replies(discord_api, running, question)

    assert reply["message_reference"]["message_id"] == question["id"]
    assert "[1]" in reply["content"]
    assert reply["embeds"][0]["fields"][0]["name"] == "[1] Discord bot setup"
    assert [b["label"] for b in reply["components"][0]["components"]] == ["Helpful", "Not helpful", "Ask a person"]
    [post] = discord_api.requests("POST", rf"/channels/{question['channel_id']}/messages")
    assert post.json["allowed_mentions"] == {"parse": [], "replied_user": False}  # pings no one
    assert discord_api.requests("POST", rf"/channels/{question['channel_id']}/typing")
    assert all(r.status in (200, 204) for r in discord_api.requests())


async def test_threads_and_channels_each_have_their_own_memory(start_discord, discord_api):
    running = await start_discord()
    in_thread = discord_api.mention(QUESTION, where=discord_api.thread)
    await discord_api.dispatch("MESSAGE_CREATE", in_thread)
    [reply] = await replies(discord_api, running, in_thread)
    assert "[1]" in reply["content"]  # the thread sees the sources linked to its channel

    in_channel = discord_api.mention("Which intent does it need?")
    await discord_api.dispatch("MESSAGE_CREATE", in_channel)
    await replies(discord_api, running, in_channel)

    channel = Question("discord", discord_api.channel["id"], "")
    thread = Question("discord", discord_api.channel["id"], "", thread=discord_api.thread["id"])
    thread_turns = await running.bot.memory.recent(thread.conversation)
    channel_turns = await running.bot.memory.recent(channel.conversation)
    assert [t.content for t in thread_turns if t.role == "user"] == [QUESTION]
    assert [t.content for t in channel_turns if t.role == "user"] == ["Which intent does it need?"]


async def test_dms_are_answered_without_a_mention_from_the_dm_sources(start_discord, discord_api):
    running = await start_discord(LOREBOT_DM_SOURCES="lorebot-docs")
    question = discord_api.direct_message(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [reply] = await replies(discord_api, running, question)
    assert "[1]" in reply["content"] and reply["embeds"]
    assert "guild_id" not in reply


async def test_a_dm_with_no_dm_sources_says_so(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.direct_message(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [reply] = await replies(discord_api, running, question)
    assert reply["content"].startswith("No document source is linked")
    assert not reply["components"]  # a notice is not rated


async def test_messages_not_meant_for_lorebot_are_left_alone(start_discord, discord_api):
    running = await start_discord()
    plain = p.message(p.snowflake(), discord_api.channel["id"], discord_api.user, QUESTION,
                      guild_id=discord_api.guild_id, member=p.member(discord_api.user))
    other_bot = p.user(p.snowflake(), "otherbot", bot=True)
    from_bot = {**discord_api.mention(QUESTION), "id": p.snowflake(), "author": other_bot}
    own = p.message(p.snowflake(), discord_api.dm["id"], discord_api.bot_user, QUESTION)
    for message in (plain, from_bot, own):
        await discord_api.dispatch("MESSAGE_CREATE", message)
    answered = discord_api.mention(QUESTION)  # dispatched last: once it is answered, the others were seen
    await discord_api.dispatch("MESSAGE_CREATE", answered)
    await replies(discord_api, running, answered)
    assert len(discord_api.requests("POST", r"/channels/\d+/messages$")) == 1


async def test_other_bots_are_answered_when_configured(start_discord, discord_api):
    running = await start_discord(LOREBOT_DISCORD_ANSWER_BOTS="true")
    question = {**discord_api.mention(QUESTION), "author": p.user(p.snowflake(), "otherbot", bot=True)}
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [reply] = await replies(discord_api, running, question)
    assert "[1]" in reply["content"]


async def test_a_message_delivered_twice_is_answered_once(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    await replies(discord_api, running, question)
    await asyncio.sleep(0.2)  # time for a second handling to show itself, if there were one
    assert len(discord_api.requests("POST", rf"/channels/{question['channel_id']}/messages")) == 1
