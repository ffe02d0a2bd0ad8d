"""Channel isolation: 1,000 questions made from documents a channel may not see never retrieve, cite
or show the model a chunk of them; one channel's memory never reaches another's prompt; the same
question asked everywhere is answered from each channel's own sources; an unlink applies at once."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import Lorebot
from bot.retrieval.retriever import RetrievalConfig, Retriever
from ingest.sources import Registry
from testkit.robustness.isolation import (
    ASKERS,
    DM_SOURCES,
    LINKS,
    answer_leaks,
    asker,
    build_corpus,
    hostile_questions,
    index_and_link,
    prompt_leaks,
)

BATCH = 50


@pytest.fixture
async def iso_bot(make_settings, fake_model_env, tmp_path):
    # Fewer candidates than the default 40 keep 1,000 questions fast; the filter is part of each query,
    # so it holds for the first candidate as for the last (the modes test below looks deeper).
    # Threshold 0: every question goes all the way to the model, whose prompts are checked for leaks. The
    # questions copy other channels' documents, so at the default threshold most are (rightly) abstained on.
    bot = await Lorebot.open(make_settings(LOREBOT_DM_SOURCES=DM_SOURCES, LOREBOT_CANDIDATES=12,
                                           **{**fake_model_env, "LOREBOT_ABSTAIN_THRESHOLD": "0"}))
    corpus = build_corpus(tmp_path / "corpus")
    await index_and_link(bot, corpus)
    yield bot, corpus
    await bot.close()


async def in_batches(calls):
    results = []
    for i in range(0, len(calls), BATCH):
        results += await asyncio.gather(*(call() for call in calls[i : i + BATCH]))
    return results


async def test_1000_questions_from_other_channels_documents_never_leak(iso_bot, fake_openai):
    bot, corpus = iso_bot
    questions = hostile_questions(corpus, 1000)
    answers = await in_batches([lambda q=q: bot.answer(q) for _, q in questions])
    assert answer_leaks(questions, answers) == []
    # Everything the model was shown: each prompt's passages and its conversation history.
    prompts = [r.json["messages"] for r in fake_openai.requests_to("/chat/completions")]
    assert len(prompts) == len(questions)
    assert prompt_leaks(questions, prompts) == []


async def test_every_retrieval_mode_applies_the_filter(iso_bot):
    bot, corpus = iso_bot
    questions = hostile_questions(corpus, 100, seed=2)
    modes = ("vector", "bm25")  # hybrid: the 1,000 questions above
    retriever = Retriever(bot.indexes, bot.embedder, RetrievalConfig(candidates=40, max_per_doc=40))
    calls = [lambda q=q, name=name, mode=mode: retriever.search(q.text, sorted(ASKERS[name]), 40, mode=mode)
             for name, q in questions for mode in modes]
    results = await in_batches(calls)
    checked = 0
    for (name, _), passages in zip([pair for pair in questions for _ in modes], results):
        assert {p.source for p in passages} <= ASKERS[name]
        checked += len(passages)
    assert checked > 2000  # the searches did find many passages, all from the allowed sources


async def test_memory_stays_in_its_channel(iso_bot, fake_openai):
    bot, corpus = iso_bot
    thread = "1700000000.000200"
    secret = "The merger codename is BLUEHERON-77"
    await bot.answer(asker("slack:CA", f"{corpus.sentences['alpha'][0]} {secret}", thread))
    for name in ASKERS:
        answer = await bot.answer(asker(name, f"What did I just tell you? {corpus.sentences['gamma'][1]}", thread))
        messages = fake_openai.requests_to("/chat/completions")[-1].json["messages"]
        prompt = "\n".join(m["content"] for m in messages)
        assert ("BLUEHERON-77" in prompt) == (name == "slack:CA"), name
        assert "BLUEHERON-77" not in answer.text or name == "slack:CA"
    for name in ASKERS:  # each conversation holds its own question only (plus CA's first one)
        turns = await bot.memory.recent(asker(name, "", thread).conversation)
        assert len(turns) == (4 if name == "slack:CA" else 2), name


async def test_the_same_question_everywhere_is_answered_from_each_channels_own_sources(iso_bot):
    bot, corpus = iso_bot
    text = f"{corpus.sentences['alpha'][3]} {corpus.sentences['beta'][3]} {corpus.sentences['hidden'][3]}"
    for _ in range(2):  # asked twice: a second answer is no more a shared one than the first
        answers = await asyncio.gather(*(bot.answer(asker(name, text, None)) for name in ASKERS))
        sources = {name: {c.source for c in a.citations} for name, a in zip(ASKERS, answers)}
        for name, seen in sources.items():
            assert seen and seen <= ASKERS[name], (name, seen)
        assert sources["slack:CA"] != sources["slack:CB"]


async def test_link_changes_apply_to_the_next_question(iso_bot):
    bot, corpus = iso_bot
    q = asker("slack:CB", corpus.sentences["beta"][0], None)
    assert {c.source for c in (await bot.answer(q)).citations} == {"beta"}
    [await Registry(bot.redis, bot.settings.key_prefix).unlink(n, "slack:CB") for n in LINKS["slack:CB"]]
    assert (await bot.answer(q)).error == "no_sources"
    await Registry(bot.redis, bot.settings.key_prefix).link("hidden", "slack:CB")
    assert {c.source for c in (await bot.answer(q)).citations} == {"hidden"}
