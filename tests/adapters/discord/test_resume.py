"""Reconnects are discord.py's: told to reconnect (op 7), the client resumes its session and gets the
events it missed; none is lost, and none is answered twice."""

from __future__ import annotations

from testkit.fakes.discord_gateway import IDENTIFY, RESUME
from tests.adapters.discord.conftest import answered, replies

QUESTION = "How do I make a source re-sync every 6 hours?"


async def test_events_sent_during_a_reconnect_are_answered_after_the_resume(start_discord, discord_api):
    running = await start_discord()
    before = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", before)
    await replies(discord_api, running, before)

    missed_mention = discord_api.mention("Which embedding model does Lorebot use by default?")
    missed_command = discord_api.slash("ask", question="How do I connect Lorebot to Slack?")
    seqs = await discord_api.reconnect(("MESSAGE_CREATE", missed_mention), ("INTERACTION_CREATE", missed_command))
    [reply] = await replies(discord_api, running, missed_mention)
    [message] = await answered(discord_api, running, missed_command["token"])

    identify, resume = discord_api.gateway.opened
    assert (identify["op"], resume["op"]) == (IDENTIFY, RESUME)
    assert resume["session_id"] == discord_api.gateway.session.id and resume["seq"] < seqs[0]
    assert set(seqs) <= set(discord_api.gateway.replayed)  # sent again, after the resume
    assert "[1]" in reply["content"] and "[1]" in message["content"]
    assert discord_api.gateway.session.events[-1]["t"] == "RESUMED"
    assert running.client.is_ready()


async def test_an_event_replayed_after_the_resume_is_not_answered_again(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    command = discord_api.slash("ask", question=QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    await discord_api.dispatch("INTERACTION_CREATE", command)
    await replies(discord_api, running, question)
    await answered(discord_api, running, command["token"])

    # Discord delivers at least once: the same events again, in the resumed session.
    await discord_api.reconnect(("MESSAGE_CREATE", question), ("INTERACTION_CREATE", command))
    check = discord_api.mention("Which embedding model does Lorebot use by default?")
    await discord_api.dispatch("MESSAGE_CREATE", check)  # after the replays: once it is answered, they were seen
    await replies(discord_api, running, check)

    replies_to_question = [m for m in discord_api.channel_messages(question["channel_id"])
                           if m.get("message_reference", {}).get("message_id") == question["id"]]
    assert len(replies_to_question) == 1
    assert len(discord_api.requests("POST", rf"/interactions/{command['id']}/")) == 1
