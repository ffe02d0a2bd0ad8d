"""The feedback buttons: a click (a component interaction from the fake gateway) is stored with the
question, answer and sources it judged, and acknowledged to the clicker alone."""

from __future__ import annotations

import asyncio

from testkit.fakes.discord_store import EPHEMERAL
from tests.adapters.discord.conftest import answered

QUESTION = "Which embedding model does Lorebot use by default?"


async def ask(discord_api, running) -> dict:
    payload = discord_api.slash("ask", question=QUESTION)
    await discord_api.dispatch("INTERACTION_CREATE", payload)
    [message] = await answered(discord_api, running, payload["token"])
    return message


def button(message: dict, label: str) -> str:
    return next(b["custom_id"] for row in message["components"] for b in row["components"] if b["label"] == label)


async def feedback(running) -> list[dict[str, str]]:
    entries = await running.bot.redis.xrange(running.bot.answers.feedback_stream)
    return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in entries]


async def test_a_click_stores_the_vote_with_what_it_judged(start_discord, discord_api):
    running = await start_discord()
    message = await ask(discord_api, running)
    click = discord_api.click(button(message, "Not helpful"), message)
    await discord_api.dispatch("INTERACTION_CREATE", click)
    [thanks] = await answered(discord_api, running, click["token"])

    assert thanks["content"].startswith("Thanks! Noted as not helpful") and thanks["flags"] & EPHEMERAL
    [vote] = await feedback(running)
    assert vote["helpful"] == "0" and vote["user"] == discord_api.user["id"]
    assert vote["question"] == QUESTION and vote["answer"] == message["content"]
    assert "Embeddings and models" in vote["sources"]


async def test_a_click_delivered_twice_counts_once(start_discord, discord_api):
    running = await start_discord()
    message = await ask(discord_api, running)
    click = discord_api.click(button(message, "Helpful"), message)
    await discord_api.dispatch("INTERACTION_CREATE", click)
    await discord_api.dispatch("INTERACTION_CREATE", click)
    await answered(discord_api, running, click["token"])
    await asyncio.sleep(0.2)  # time for a second handling to show itself, if there were one
    assert [v["helpful"] for v in await feedback(running)] == ["1"]
    assert len(discord_api.requests("POST", rf"/interactions/{click['id']}/")) == 1


async def test_a_click_on_an_unknown_answer_says_it_is_too_old(start_discord, discord_api):
    running = await start_discord()
    message = await ask(discord_api, running)
    stale = {**message, "components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Helpful", "custom_id": "lorebot:fb:0123456789abcdef:1"}]}]}
    click = discord_api.click("lorebot:fb:0123456789abcdef:1", stale)
    await discord_api.dispatch("INTERACTION_CREATE", click)
    [reply] = await answered(discord_api, running, click["token"])
    assert reply["content"] == "That answer is too old to rate now."
    assert await feedback(running) == []
