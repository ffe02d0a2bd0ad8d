"""Support channels on Discord, through the real discord.py client against the fake Discord: auto mode
in a text channel (answered in a thread started from the question) and in a forum (every new post),
people first, hand-offs with exactly the target's mention allowed, private answers and their
sharing, and other organisations' guilds."""

from __future__ import annotations

import asyncio
import time

from adapters.discord.handoff import ASKED, SHARED
from bot.answering.answer_log import Outcome
from bot.channels import ChannelMode, ChannelStore
from bot.core import EXTERNAL
from ingest.sources import Registry
from testkit.fakes import discord_payloads as p
from testkit.fakes.discord_store import EPHEMERAL
from tests.adapters.discord.conftest import answered, eventually, replies

QUESTION = "How do I set up the Discord bot?"
FAST = {"LOREBOT_AUTO_POLL_SECONDS": 0.05, "LOREBOT_AUTO_USER_GAP": 0, "LOREBOT_AUTO_CHANNEL_GAP": 0,
        "LOREBOT_DISCORD_MESSAGE_CONTENT": "true"}


async def configure(running, channel_id: str, **changes) -> None:
    bot = running.bot
    await ChannelStore(bot.redis, bot.settings.key_prefix).update(f"discord:{channel_id}", **changes)


def posted_in(fake, channel_id: str) -> list[dict]:
    return [r.json for r in fake.requests("POST", rf"^/channels/{channel_id}/messages$")]


def button(message: dict, label: str) -> str:
    return next(b["custom_id"] for row in message["components"] for b in row["components"] if b["label"] == label)


async def settled(running, seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)
    await running.client.inflight.drain(10)
    await running.client.support.auto.poller.stop(5)


async def test_auto_mode_answers_a_channel_question_in_a_thread_started_from_it(start_discord, discord_api):
    running = await start_discord(**FAST)
    await configure(running, discord_api.channel["id"], mode=ChannelMode.AUTO)
    await discord_api.dispatch("MESSAGE_CREATE", discord_api.says("hello everyone"))
    question = discord_api.says(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [answer] = await discord_api.wait_for(lambda: posted_in(discord_api, question["id"]), what="the answer")
    [start] = discord_api.requests("POST", r"/threads$")
    assert start.path == f"/channels/{discord_api.channel['id']}/messages/{question['id']}/threads"
    assert start.json["name"] == QUESTION
    assert "[1]" in answer["content"] and answer["embeds"][0]["fields"][0]["name"] == "[1] Discord bot setup"
    assert [b["label"] for b in answer["components"][0]["components"]] == ["Helpful", "Not helpful", "Ask a person"]
    await settled(running)
    assert posted_in(discord_api, discord_api.channel["id"]) == []  # nothing in the channel itself


async def test_each_new_forum_post_is_answered_in_its_thread(start_discord, discord_api):
    running = await start_discord(**FAST)
    await configure(running, discord_api.forum["id"], mode=ChannelMode.AUTO)
    await Registry(running.bot.redis, running.bot.settings.key_prefix).link("lorebot-docs",
                                                                           f"discord:{discord_api.forum['id']}")
    thread, first = discord_api.forum_post("Discord bot setup", "It never answers, which intent is missing")
    await discord_api.dispatch("THREAD_CREATE", thread)
    await discord_api.dispatch("MESSAGE_CREATE", first)
    [answer] = await discord_api.wait_for(lambda: posted_in(discord_api, thread["id"]), what="the answer")
    assert "[1]" in answer["content"] and answer["embeds"]
    assert discord_api.requests("POST", r"/threads$") == []  # the post is the thread
    logged = await running.bot.answers.get(answer["components"][0]["components"][0]["custom_id"].split(":")[2])
    assert logged.scope == f"discord:{discord_api.forum['id']}" and logged.question.startswith("Discord bot setup\n")


async def two_waiting_questions(start_discord, discord_api) -> tuple:
    """Lorebot in auto mode with a 1 s wait in the text channel, and two questions posted there:
    (running, first, second)."""
    running = await start_discord(**FAST)
    await configure(running, discord_api.channel["id"], mode=ChannelMode.AUTO, wait_seconds=1.0)
    first, second = discord_api.says(QUESTION), discord_api.says("Which embedding model does Lorebot use by default?")
    for message in (first, second):
        await discord_api.dispatch("MESSAGE_CREATE", message)
    return running, first, second


async def test_with_a_wait_lorebot_stays_out_where_a_person_replied(start_discord, discord_api):
    running, helped, alone = await two_waiting_questions(start_discord, discord_api)
    # a colleague starts a thread on the first question and answers there
    discord_api.threads_started[helped["id"]] = p.thread(helped["id"], discord_api.guild_id, discord_api.channel["id"])
    reply = discord_api.says("Enable the message content intent.", where={"id": helped["id"]},
                             who=discord_api.colleague)
    await discord_api.dispatch("MESSAGE_CREATE", reply)
    await asyncio.sleep(0.5)
    assert discord_api.requests("POST", r"/messages$") == []  # nobody answered before the wait
    [answer] = await discord_api.wait_for(lambda: posted_in(discord_api, alone["id"]), timeout=10, what="the answer")
    assert answer["embeds"][0]["fields"][0]["name"].startswith("[1] Embeddings and models")
    await settled(running)
    assert posted_in(discord_api, helped["id"]) == []


async def test_with_a_wait_a_persons_reply_in_the_channel_counts_too(start_discord, discord_api):
    running, helped, own = await two_waiting_questions(start_discord, discord_api)
    # a colleague answers the first question with a Discord reply in the channel, no thread; the
    # asker of the second replies to it (adding detail): that does not count
    for reply in (discord_api.reply_to(helped, "Did you enable the message content intent?", who=discord_api.colleague),
                  discord_api.reply_to(own, "I mean for the vectors.")):
        await discord_api.dispatch("MESSAGE_CREATE", reply)
    [answer] = await discord_api.wait_for(lambda: posted_in(discord_api, own["id"]), timeout=10, what="the answer")
    assert answer["embeds"][0]["fields"][0]["name"].startswith("[1] Embeddings and models")
    pending = running.client.support.auto.pending

    async def all_handled() -> bool:  # the first question too: handled, and Lorebot stayed out
        return await pending.count() == 0

    await eventually(all_handled, what="both waiting questions handled")
    assert not await running.bot.redis.exists(pending.replies_key)  # forgotten with the questions
    assert [r.path for r in discord_api.requests("POST", r"/threads$")] == [
        f"/channels/{discord_api.channel['id']}/messages/{own['id']}/threads"]  # none for the first question
    assert {r.path for r in discord_api.requests("POST", r"/messages$")} == {f"/channels/{own['id']}/messages"}


async def test_a_question_a_person_answered_while_lorebot_waited_is_logged_as_such(start_discord, discord_api):
    """The question a colleague answered in its thread during the wait is in the answer log as answered
    only by a person (what `lorebot gaps` counts), with the thread it was answered in; Lorebot says nothing."""
    from bot.insights.questions import load_questions

    running = await start_discord(**FAST)
    bot, channel = running.bot, discord_api.channel["id"]
    await configure(running, channel, mode=ChannelMode.AUTO, wait_seconds=1.0)
    helped, alone = discord_api.says(QUESTION), discord_api.says("Which embedding model does Lorebot use by default?")
    for message in (helped, alone):
        await discord_api.dispatch("MESSAGE_CREATE", message)
    discord_api.threads_started[helped["id"]] = p.thread(helped["id"], discord_api.guild_id, channel)
    await discord_api.dispatch("MESSAGE_CREATE", discord_api.says(
        "Enable the message content intent.", where={"id": helped["id"]}, who=discord_api.colleague))
    await discord_api.wait_for(lambda: posted_in(discord_api, alone["id"]), timeout=10, what="the answer")

    async def by_person(timeout: float = 10) -> list:
        """The logged questions a person answered first, once there is one (bounded by `timeout` s)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [a for a in await load_questions(bot.answers, 0, time.time() + 60)
                     if Outcome.ANSWERED_BY_PERSON in a.outcomes]
            if found or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.05)

    [logged] = await by_person()
    assert (logged.text, logged.user, logged.scope, logged.thread) == (
        QUESTION, helped["author"]["id"], f"discord:{channel}", helped["id"])
    assert logged.outcomes == {Outcome.ANSWERED_BY_PERSON} and not logged.answered
    await settled(running)
    assert posted_in(discord_api, helped["id"]) == [] and len(await by_person()) == 1


async def test_ask_a_person_mentions_exactly_the_role_once(start_discord, discord_api):
    running = await start_discord(**FAST)
    role = discord_api.admin_role["id"]
    await configure(running, discord_api.channel["id"], escalate=f"role:{role}")
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [answer] = await replies(discord_api, running, question)
    click = discord_api.click(button(answer, "Ask a person"), answer)
    await discord_api.dispatch("INTERACTION_CREATE", click)
    [ack] = await answered(discord_api, running, click["token"])
    assert ack["content"] == ASKED and ack["flags"] & EPHEMERAL
    [handoff] = [r.json for r in discord_api.requests("POST", rf"^/channels/{question['channel_id']}/messages$")
                 if "could someone help" in r.json["content"]]
    assert handoff["content"] == (f"<@&{role}>, could someone help here? <@{discord_api.user['id']}> asked: "
                                  f"“{QUESTION}”")
    assert handoff["allowed_mentions"] == {"parse": [], "roles": [int(role)]}  # that role, no one else
    answer_id = button(answer, "Helpful").split(":")[2]
    again = discord_api.click(button(answer, "Ask a person"), answer)
    await discord_api.dispatch("INTERACTION_CREATE", again)
    [second] = await answered(discord_api, running, again["token"])
    assert second["content"] == "This question was already handed to a person."
    assert (await running.bot.answers.get(answer_id)).outcomes == (Outcome.ANSWERED, Outcome.ESCALATED)


async def test_a_private_answer_is_ephemeral_and_shared_on_request(start_discord, discord_api):
    running = await start_discord(**FAST)
    payload = discord_api.slash("ask", question=QUESTION, private=True)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [private] = await answered(discord_api, running, payload["token"])
    assert private["flags"] & EPHEMERAL and "[1]" in private["content"]
    share = discord_api.click(button(private, "Share in channel"), private)
    await discord_api.dispatch("INTERACTION_CREATE", share)
    [ack] = await answered(discord_api, running, share["token"])
    assert ack["content"] == SHARED
    [shared] = posted_in(discord_api, discord_api.channel["id"])
    assert shared["content"].startswith(f"<@{discord_api.user['id']}> shared an answer to: “{QUESTION}”\n\n")
    assert shared["allowed_mentions"] == {"parse": []}


async def test_a_guild_of_another_organisation_sees_only_shared_sources(start_discord, discord_api):
    running = await start_discord(**FAST, LOREBOT_DISCORD_GUILDS="1234567890")
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [reply] = await replies(discord_api, running, question)
    assert reply["content"] == EXTERNAL
