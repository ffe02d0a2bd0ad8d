"""Threads on Discord, through the real discord.py client and the fake Discord: the earlier messages of a
thread Lorebot joins by mention (the channel message it was started from included) shape what it
finds, and a question is marked resolved by the "Resolved" button of its hand-off or by a person's
reply in its thread (not by the asker's)."""

from __future__ import annotations

from adapters.chat.handoff import RESOLVED
from bot.answering.answer_log import Outcome
from tests.adapters.discord.conftest import answered, eventually, replies

QUESTION = "How do I set up the Discord bot?"
# The fake model's embeddings (hashed words) and keyword search: the thread's words lead to another page.
CONTEXT = {"LOREBOT_ABSTAIN_THRESHOLD": 0.0, "LOREBOT_DISCORD_MESSAGE_CONTENT": "true"}


def button(message: dict, label: str) -> str:
    return next(b["custom_id"] for row in message["components"] for b in row["components"] if b["label"] == label)


def first_page(reply: dict) -> str:
    return reply["embeds"][0]["fields"][0]["name"]


async def outcomes_reach(running, answer_id: str, outcome: Outcome) -> tuple[Outcome, ...]:
    """The answer's outcomes once they include `outcome`."""

    async def reached() -> tuple[Outcome, ...] | None:
        found = (await running.bot.answers.get(answer_id)).outcomes
        return found if outcome in found else None

    return await eventually(reached, what=f"the outcome {outcome}")


async def test_a_thread_lorebot_joins_by_mention_shapes_what_it_finds(start_discord, discord_api, fake_openai):
    running = await start_discord(**CONTEXT)
    opener = discord_api.says("The Discord bot doesn't react to anything I write in the server.")
    await discord_api.dispatch("MESSAGE_CREATE", opener)
    thread = discord_api.start_thread(opener, who=discord_api.colleague)  # its history starts with a starter message
    await discord_api.dispatch("THREAD_CREATE", thread)
    same = discord_api.says("Same here since yesterday.", where=thread, who=discord_api.colleague)
    await discord_api.dispatch("MESSAGE_CREATE", same)
    question = discord_api.mention("which setting do I need to change?", where=thread)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [in_thread] = await replies(discord_api, running, question)
    assert first_page(in_thread) == "[1] Discord bot setup"
    [history] = discord_api.requests("GET", rf"^/channels/{thread['id']}/messages$")
    assert history.query == {"limit": "20", "before": question["id"]}  # the last 20 before the question

    alone = discord_api.mention("which setting do I need to change?")  # the same words without the thread
    await discord_api.dispatch("MESSAGE_CREATE", alone)
    [in_channel] = await replies(discord_api, running, alone)
    assert first_page(in_channel) != first_page(in_thread)

    again = discord_api.mention("and where is that?", where=thread)  # Lorebot spoke here: its memory holds it
    await discord_api.dispatch("MESSAGE_CREATE", again)
    await replies(discord_api, running, again)
    prompts = [r.json["messages"][-1]["content"] for r in fake_openai.requests if r.path.endswith("/chat/completions")]
    assert "<thread>\n> ada: The Discord bot doesn't react to anything I write in the server.\n" \
           "> grace: Same here since yesterday.\n</thread>" in prompts[0]
    assert ["<thread>" in prompt for prompt in prompts] == [True, False, False]


async def test_the_resolved_button_marks_the_question_and_says_who(start_discord, discord_api):
    running = await start_discord()
    question = discord_api.mention(QUESTION)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [answer] = await replies(discord_api, running, question)
    answer_id = button(answer, "Helpful").split(":")[2]
    ask = discord_api.click(button(answer, "Ask a person"), answer)
    await discord_api.dispatch("INTERACTION_CREATE", ask)
    await answered(discord_api, running, ask["token"])
    [handoff] = [m for m in discord_api.channel_messages(question["channel_id"]) if "would like a person" in m["content"]]

    press = discord_api.click(button(handoff, "Resolved"), handoff, who=discord_api.colleague)
    await discord_api.dispatch("INTERACTION_CREATE", press)
    [ack] = await answered(discord_api, running, press["token"])
    assert ack["content"] == RESOLVED
    assert await running.bot.answers.get(answer_id) is not None
    assert (await running.bot.answers.get(answer_id)).outcomes == (Outcome.ANSWERED, Outcome.ESCALATED,
                                                                   Outcome.RESOLVED)
    [shown] = [m for m in discord_api.channel_messages(question["channel_id"]) if m["id"] == handoff["id"]]
    assert shown["content"] == f"{handoff['content']}\n✅ Resolved by <@{discord_api.colleague['id']}>"
    assert shown["components"] == []  # the button is gone


async def test_a_persons_reply_in_the_thread_resolves_the_question_and_the_askers_does_not(start_discord,
                                                                                          discord_api):
    running = await start_discord()
    thread = discord_api.thread
    question = discord_api.mention(QUESTION, where=thread)
    await discord_api.dispatch("MESSAGE_CREATE", question)
    [answer] = await replies(discord_api, running, question)
    answer_id = button(answer, "Helpful").split(":")[2]

    await discord_api.dispatch("MESSAGE_CREATE", discord_api.says("It is the bot of our main server.", where=thread))
    later = discord_api.mention("Which intent exactly?", where=thread)  # handled after the asker's detail
    await discord_api.dispatch("MESSAGE_CREATE", later)
    await replies(discord_api, running, later)
    assert (await running.bot.answers.get(answer_id)).outcomes == (Outcome.ANSWERED,)

    reply = discord_api.says("Enable the message content intent.", where=thread, who=discord_api.colleague)
    await discord_api.dispatch("MESSAGE_CREATE", reply)
    assert await outcomes_reach(running, answer_id, Outcome.RESOLVED) == (Outcome.ANSWERED, Outcome.RESOLVED)
