"""Hostile questions are plain text: every nasty string goes through Lorebot.answer and through the
BM25-only and vector-only searches against a real index, and the Redis server is still alive after
each (RediSearch 2.10 segfaults on a stopword union such as `is|an|x` if one reaches its parser)."""

from __future__ import annotations

import asyncio

import pytest
import redis
from redis.commands.search.query import Query

from bot.channels import ChannelStore
from bot.core import Lorebot
from bot.types import Question, question_text
from ingest.context import indexer_for
from tests.conftest import SAMPLES

FIFTY_THOUSAND = ("slack setup | @text:(is|an|x) -install* %token% ~{tag} $v \"quoted\" 🔥 <!channel> " * 800)[:50_000]
NASTY = [
    "", "   ", "\n\t\r\n", "\u200b\u200b\u2060", "🔥🚀🤖", "🏳️‍🌈👩‍👩‍👧‍👦" * 200, "🔥" * 10_000,
    "<@U024BE7LH> <!channel> <!here> <!everyone> @everyone @here <@&123456> <#C0123|general> what is this?",
    "|", "||", "| | |", "a|b", "@", "@text:", "@text:slack", "@title:(is|an|inverse)", "@source:{hidden}",
    "@source:{*}", "-", "--", "-slack", "-(slack)", "*", "**", "slack*", "*lack", "%", "%slack%", "%%%slack%%%",
    "~", "~slack", "{}", "{", "}", "{slack|discord}", "$", "$vector", "$BLOB", '"', '""', '"unterminated',
    "'", "''", "`", "```", "is|an|x", "is|an|inverse", "a|the|inverse slack", "(is|an|x)", "@text:(is|an|x)",
    "@text|is:an", "the|is|an|a", "is | an | x", "IS|AN|X", "to|be|or|not|to|be", "not is|an",
    "*=>[KNN 10 @embedding $vector AS score]", "@embedding:[VECTOR_RANGE 0.2 $vec]", "FT.DROPINDEX idx DD",
    "FLUSHALL", "\\", "\\\\*", "\x00null\x00byte", "slack) | (@source:{hidden}", "-(@source:{lorebot\\-docs})",
    "[1] [2] </passages> <passages>", "ä ö ü 中文 العربية עברית", "a" * 5000, "w" * 65 + " slack",
    " ".join(f"word{i}" for i in range(2000)), FIFTY_THOUSAND, "x " * 25_000,
]


@pytest.fixture
async def indexed_bot(fake_bot):
    await indexer_for(fake_bot).sync("lorebot-docs", SAMPLES)
    return fake_bot


def alive(redis_url: str) -> bool:
    return bool(redis.Redis.from_url(redis_url, socket_timeout=5).ping())


async def test_nasty_questions_are_answered_as_plain_text(indexed_bot, redis_url):
    # Threshold 0 for this channel: every question reaches the prompt, so every string goes through
    # search, confidence and generation (what abstention does with them is tested below).
    await ChannelStore(indexed_bot.redis, indexed_bot.settings.key_prefix).update("cli:local", threshold=0.0)
    for text in NASTY:
        answer = await indexed_bot.answer(Question("cli", "local", text, user="u1"))
        assert alive(redis_url), repr(text[:80])
        if not question_text(text):  # no letter or digit in any script: empty by design
            assert answer.error == "empty_question" and not answer.id, repr(text[:80])
        else:
            assert answer.error is None and answer.mode == "generative", (repr(text[:80]), answer)
            assert answer.citations and answer.id


async def test_nasty_questions_at_the_default_threshold_are_answered_or_abstained_on(indexed_bot, redis_url):
    for text in NASTY:
        if not question_text(text):
            continue
        answer = await indexed_bot.answer(Question("cli", "local", text, user="u1"))
        assert alive(redis_url), repr(text[:80])
        assert 0.0 <= answer.confidence <= 1.0 and answer.citations and answer.id, (repr(text[:80]), answer)
        if answer.answered:
            assert answer.error is None and answer.mode == "generative", (repr(text[:80]), answer)
        else:
            assert (answer.error, answer.mode) == ("not_covered", "notice"), (repr(text[:80]), answer)


@pytest.mark.parametrize("mode", ["bm25", "vector"])  # hybrid: through Lorebot.answer above
async def test_nasty_strings_in_every_search_mode(indexed_bot, redis_url, mode):
    searches = [indexed_bot.retriever.search(text, ["lorebot-docs"], 6, mode=mode) for text in NASTY]
    results = await asyncio.gather(*searches)
    assert alive(redis_url)
    for text, found in zip(NASTY, results):
        if not text.strip():
            assert found == [], repr(text)  # nothing to search for
        elif "slack" in text.lower() or mode != "bm25":  # KNN always has neighbours; BM25 needs a word
            assert found and {p.source for p in found} == {"lorebot-docs"}, (repr(text[:80]), mode)


async def test_search_syntax_does_not_change_what_is_found(indexed_bot):
    """Operators are dropped, the words stay: each decorated question still finds the Slack page,
    and a filter written into the question widens nothing."""
    for text in ["@title:(is|an|inverse) slack app setup", "-slack | app* %setup% ~{scopes}",
                 '"slack app setup" $vector @source:{hidden}', "slack|app|setup"]:
        passages = await indexed_bot.retriever.search(text, ["lorebot-docs"], 6, mode="bm25")
        assert passages and passages[0].title == "Slack app setup", (text, [p.title for p in passages[:3]])
        assert {p.source for p in passages} == {"lorebot-docs"}
    assert await indexed_bot.retriever.search("@source:{lorebot\\-docs} slack", ["other"], 6) == []


async def test_the_hazard_is_real_on_this_server(private_redis, make_settings, fake_model_env):
    """Control: the same stopword union sent raw kills this build of the server, so the checks
    above would fail if a question reached the parser unescaped. (A private server: it dies here.)"""
    bot = await Lorebot.open(make_settings(REDIS_URL=private_redis.url, **fake_model_env))
    try:
        await indexer_for(bot).sync("lorebot-docs", SAMPLES)
        assert private_redis.ping()
        raw = redis.Redis.from_url(private_redis.url, socket_timeout=5, retry=None)
        with pytest.raises(redis.ConnectionError):
            raw.ft(bot.indexes.keys.chunk_index).search(Query("is|an|inverse").dialect(2))
        with pytest.raises(redis.ConnectionError):
            private_redis.ping()
    finally:
        await bot.close()
