"""An index built before the current layout (bot.keys.LAYOUT) keeps answering until every source
is synced into the new layout, then questions switch over; nothing is embedded twice."""

from __future__ import annotations

from bot import keys
from bot.core import Lorebot
from bot.retrieval.serving_model import open_model
from bot.types import Question
from ingest.context import indexer_for
from ingest.indexer import Indexer
from ingest.sources import Registry


async def test_a_previous_layout_is_served_until_every_source_is_resynced(make_settings, fake_openai, tmp_path):
    settings = make_settings(LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=fake_openai.base_url,
                             OPENAI_API_KEY="sk-test-key")
    for name, title, body in (("one", "通讯费报销规定", "通讯费的报销申请须在7个工作日内提交。"),
                              ("two", "Lunch", "The canteen opens at noon.")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")

    # As a Lorebot before layouts would have built it: layout 1, recorded without a layout.
    bot = await Lorebot.open(settings)
    embedder, legacy = await open_model(settings, bot.redis, layout=1)
    for name in ("one", "two"):
        await Indexer(bot.redis, legacy, embedder, settings.embeddings).sync(name, tmp_path / name)
    await bot.redis.hdel(keys.active_model(settings.key_prefix), "layout")
    await Registry(bot.redis, settings.key_prefix).link("one", "slack:C1")
    await bot.close()

    old = await Lorebot.open(settings)
    try:
        assert old.indexes.keys.layout == 1  # still answering from the complete old index
        answer = await old.answer(Question("slack", "C1", "通讯费"))
        assert answer.citations  # (the whole clause as one token: found by the embedding only)
        report = await indexer_for(old).sync("one", tmp_path / "one")
        assert report.added == 1 and report.chunks_embedded == 0  # the cache has its embedding
    finally:
        await old.close()

    half = await Lorebot.open(settings)
    try:
        assert half.indexes.keys.layout == 1  # "two" is not in the new layout yet
        await indexer_for(half).sync("two", tmp_path / "two")
        half._next_model_check = 0.0
        await half.answer(Question("slack", "C1", "通讯费最多能报销多少钱？"))
        assert half.indexes.keys.layout == 2  # followed the switch without a restart
        found = await half.retriever.search("通讯费最多能报销多少钱？", ["one", "two"], 3, mode="bm25")
        assert found and found[0].title == "通讯费报销规定"
    finally:
        await half.close()
