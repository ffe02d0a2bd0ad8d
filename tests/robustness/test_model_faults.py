"""Model endpoint faults through the real openai client and the fake server: 500 and 429 are retried a
bounded number of times with growing backoff, then explained; a hung endpoint is cut at the answer's
deadline, whatever the retries and Retry-After would allow; the embeddings endpoint failing gives a
clear notice, never an exception; a sync cut by it leaves the index whole and resumes."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.answering.generation import ModelUnavailable
from bot.core import Lorebot
from bot.types import Question
from ingest.context import indexer_for
from testkit.exports import page, write_pages
from testkit.robustness.index_check import index_state

CHAT = "/chat/completions"
EMBEDDINGS = "/embeddings"
QUESTION = Question("cli", "local", "How do I connect Lorebot to Slack?", user="u1")


@pytest.fixture
async def open_bot(make_settings, fake_model_env, tmp_path):
    pages = write_pages(tmp_path / "docs", {
        "slack.md": page("Slack app setup", "Create a Slack app and add the bot token to connect Lorebot to Slack."),
        "discord.md": page("Discord bot setup", "Enable the message content intent for the Discord bot."),
    })
    opened: list[Lorebot] = []

    async def open_(**env: object) -> Lorebot:
        bot = await Lorebot.open(make_settings(**{**fake_model_env, **env}))
        opened.append(bot)
        await indexer_for(bot).sync("docs", pages)
        return bot

    yield open_
    for bot in opened:
        await bot.close()


@pytest.mark.parametrize("status, says", [(500, "answered HTTP 500"), (429, "rate-limited (HTTP 429)")])
async def test_chat_errors_are_retried_with_backoff_then_explained(open_bot, fake_openai, status, says):
    bot = await open_bot(LOREBOT_MODEL_RETRIES=2)
    fake_openai.fail_next(3, status=status, path=CHAT)
    answer = await bot.answer(QUESTION)
    tries = fake_openai.requests_to(CHAT)
    assert [r.headers.get("x-stainless-retry-count") for r in tries] == ["0", "1", "2"]
    gaps = [b.at - a.at for a, b in zip(tries, tries[1:])]
    assert 0.3 < gaps[0] < gaps[1], gaps  # exponential backoff, not a tight loop
    assert answer.error == "model_unavailable" and answer.mode == "extractive"
    assert says in answer.text and "most relevant passages" in answer.text
    assert answer.citations[0].title == "Slack app setup"
    assert (await bot.answer(QUESTION)).mode == "generative"  # the next question is served normally


async def test_a_model_that_recovers_within_the_retries_answers(open_bot, fake_openai):
    bot = await open_bot(LOREBOT_MODEL_RETRIES=2)
    fake_openai.fail_next(2, status=500, path=CHAT)
    answer = await bot.answer(QUESTION)
    assert (answer.mode, answer.error) == ("generative", None)
    assert len(fake_openai.requests_to(CHAT)) == 3


@pytest.mark.parametrize("fault", ["hung", "429 with Retry-After 30 s"])
async def test_the_answer_deadline_holds_whatever_the_retries(open_bot, fake_openai, fault):
    bot = await open_bot(LOREBOT_MODEL_RETRIES=6, LOREBOT_MODEL_TIMEOUT=0.4, LOREBOT_ANSWER_DEADLINE=1.5)
    if fault == "hung":
        fake_openai.stall_next(10, seconds=30, path=CHAT)
    else:
        fake_openai.fail_next(10, status=429, retry_after=30, path=CHAT)
    started = time.monotonic()
    answer = await bot.answer(QUESTION)
    took = time.monotonic() - started
    assert 1.4 < took < 2.2, took  # the deadline, plus the fallback answer
    assert answer.error == "model_unavailable"
    assert "did not answer within 2 s" in answer.text  # the deadline, rounded
    assert answer.citations  # the passages are still given


@pytest.mark.parametrize("fault, says", [(500, "embeddings endpoint answered HTTP 500"),
                                         (429, "embeddings endpoint is rate-limited"),
                                         ("hung", "search did not finish within 2 s")])
async def test_embeddings_failures_give_a_clear_notice(open_bot, fake_openai, fault, says):
    bot = await open_bot(LOREBOT_MODEL_RETRIES=1, LOREBOT_MODEL_TIMEOUT=5, LOREBOT_ANSWER_DEADLINE=1.5)
    if fault == "hung":
        fake_openai.stall_next(1, seconds=30, path=EMBEDDINGS)  # the deadline comes before the client's timeout
    else:
        fake_openai.fail_next(2, status=fault, path=EMBEDDINGS)
    started = time.monotonic()
    answer = await bot.answer(QUESTION)
    assert time.monotonic() - started < 2.0
    assert (answer.mode, answer.error) == ("notice", "model_unavailable")
    assert says in answer.text and "try again" in answer.text
    assert not fake_openai.requests_to(CHAT)
    assert (await bot.answer(QUESTION)).mode == "generative"


async def test_a_sync_cut_by_the_embeddings_endpoint_resumes(make_settings, fake_model_env, fake_openai, tmp_path):
    bot = await Lorebot.open(make_settings(LOREBOT_MODEL_RETRIES=0, **fake_model_env))
    try:
        files = {f"p{i:03d}.md": page(f"Page {i}", f"Text of page number {i}. " * (40 if i % 9 else 400))
                 for i in range(400)}
        write_pages(tmp_path / "export", files)
        fake_openai.delay = 0.05
        before = len(fake_openai.requests_to(EMBEDDINGS))

        async def fail_midway() -> None:
            while len(fake_openai.requests_to(EMBEDDINGS)) < before + 2:  # noqa: ASYNC110 - the fake's log
                await asyncio.sleep(0.005)
            fake_openai.fail_next(1, status=500, path=EMBEDDINGS)

        breaker = asyncio.create_task(fail_midway())
        with pytest.raises(ModelUnavailable, match="embeddings endpoint answered HTTP 500"):
            await indexer_for(bot).sync("docs", tmp_path / "export")
        await breaker
        partial = await index_state(bot.redis, bot.indexes.keys, "docs")
        assert 0 < len(partial) < len(files)
        report = await indexer_for(bot).sync("docs", tmp_path / "export")
        assert report.ok and (report.added, report.unchanged) == (len(files) - len(partial), len(partial))
        assert set(await index_state(bot.redis, bot.indexes.keys, "docs")) == set(files)
    finally:
        await bot.close()
