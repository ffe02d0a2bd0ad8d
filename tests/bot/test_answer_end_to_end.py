"""End to end on real parts: the sample export indexed with the local model, questions answered
through hybrid retrieval, cited; generative answers through the fake OpenAI server."""

from __future__ import annotations

import json

import pytest

from bot.types import Question
from ingest.context import indexer_for
from tests.conftest import REPO, SAMPLES

DEMO = json.loads((REPO / "samples" / "demo-questions.json").read_text())


def ask(text: str, channel: str = "local", thread: str | None = None) -> Question:
    return Question(platform="cli", channel=channel, text=text, user="u1", thread=thread)


@pytest.fixture
async def sample_bot(local_bot):
    report = await indexer_for(local_bot).sync("lorebot-docs", SAMPLES)
    assert report.ok and report.added >= 10 and not report.failed
    return local_bot


async def test_demo_questions_cite_the_right_page(sample_bot):
    for item in DEMO:
        answer = await sample_bot.answer(ask(item["question"], thread=item["page"]))
        assert answer.mode == "extractive"
        assert answer.citations, item
        assert answer.citations[0].title == item["page"], (item, [c.title for c in answer.citations])
        assert "[1]" in answer.text
        assert answer.id


async def test_reingest_unchanged_embeds_nothing(sample_bot):
    again = await indexer_for(sample_bot).sync("lorebot-docs", SAMPLES)
    assert again.chunks_embedded == 0
    assert again.added == again.changed == again.deleted == 0
    assert again.unchanged >= 10


async def test_follow_up_uses_the_threads_memory(sample_bot):
    first = await sample_bot.answer(ask("How do I set up the Discord bot?", thread="t1"))
    assert first.citations[0].title == "Discord bot setup"
    follow = await sample_bot.answer(ask("Which intent does it need?", thread="t1"))
    assert follow.citations[0].title == "Discord bot setup"
    turns = await sample_bot.memory.recent(ask("", thread="t1").conversation)
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
    assert await sample_bot.forget(ask("", thread="t1"))
    assert await sample_bot.memory.recent(ask("", thread="t1").conversation) == []


async def test_generative_answer_streams_and_cites(make_settings, fake_openai):
    from bot.core import Lorebot

    bot = await Lorebot.open(make_settings(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test-123456"))
    try:
        await indexer_for(bot).sync("lorebot-docs", SAMPLES)
        seen: list[str] = []

        async def on_text(text: str) -> None:
            seen.append(text)

        answer = await bot.answer(ask("How do I connect Lorebot to Slack?"), on_text)
        assert answer.mode == "generative"
        assert answer.text.endswith("[1]")
        assert len(seen) > 1 and seen[-1].strip() == answer.text.strip()
        assert answer.citations[0].title == "Slack app setup"
        prompt = fake_openai.requests_to("/v1/chat/completions")[-1].json["messages"]
        assert "untrusted" in prompt[0]["content"]
        assert "[1] Slack app setup" in prompt[-1]["content"]
    finally:
        await bot.close()


async def test_model_failure_falls_back_to_passages_with_a_reason(make_settings, fake_openai):
    from bot.core import Lorebot

    bot = await Lorebot.open(make_settings(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test-123456",
                                           LOREBOT_MODEL_RETRIES=1))
    try:
        await indexer_for(bot).sync("lorebot-docs", SAMPLES)
        fake_openai.fail_next(5, status=500)
        answer = await bot.answer(ask("How do I connect Lorebot to Slack?"))
        assert answer.error == "model_unavailable"
        assert "HTTP 500" in answer.text
        assert answer.citations and answer.citations[0].title == "Slack app setup"
        assert len(fake_openai.requests_to("/v1/chat/completions")) == 2  # one try + one bounded retry
    finally:
        await bot.close()


async def test_empty_and_unlinked_questions_get_notices(sample_bot):
    empty = await sample_bot.answer(ask("   "))
    assert empty.mode == "notice" and empty.error == "empty_question"
    unlinked = await sample_bot.answer(Question(platform="slack", channel="C999", text="How do I install?"))
    assert unlinked.error == "no_sources"
    assert "slack:C999" in unlinked.text


async def test_a_question_without_letters_or_digits_is_empty_and_not_logged(sample_bot):
    """Punctuation, symbols or emoji alone are nothing to search for: the empty-question notice, never a
    "not covered" with closest pages, and nothing in the answer log (so no gap theme labelled "!!!")."""
    since = 0.0
    for text in ("???", "!!!", "...", "👍🎉", "¿¡ — !?", "\u0301\u0301"):
        answer = await sample_bot.answer(ask(text))
        assert (answer.error, answer.mode, answer.citations, answer.id) == ("empty_question", "notice", (), ""), text
    assert await sample_bot.answers.ids_between(since) == []
    # Letters of any script make a question: these are asked and logged, whatever the answer.
    for text in ("如何连接Slack？", "كيف أربط سلاك؟", "슬랙은 어떻게 연결하나요?", "2024?"):
        answer = await sample_bot.answer(ask(text))
        assert answer.error != "empty_question" and answer.id, text
    assert len(await sample_bot.answers.ids_between(since)) == 4


async def test_the_log_keeps_the_question_as_the_core_answered_it(sample_bot):
    from bot.types import MAX_QUESTION_CHARS

    pasted = "How do I set up the Discord bot?\n\n" + "log line with noise " * 6000  # 120,000 characters
    answer = await sample_bot.answer(ask(pasted))
    logged = await sample_bot.answers.get(answer.id)
    assert logged is not None and len(logged.question) == MAX_QUESTION_CHARS
    assert logged.question == pasted[:MAX_QUESTION_CHARS]  # as written, its lines kept
