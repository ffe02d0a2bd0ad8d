"""Changing the embedding model re-embeds into a new index and switches questions over only when
every source is complete."""

from __future__ import annotations

from bot.core import MODEL_CHECK_S, Lorebot
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry


def env(fake_openai, model: str) -> dict[str, str]:
    return {"LOREBOT_EMBEDDINGS": f"openai:{model}", "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-x1234"}


async def test_switch_waits_for_every_source(make_settings, fake_openai, tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.md").write_text(f"# Page {name}\n\nText about {name} things.\n")

    old = await Lorebot.open(make_settings(**env(fake_openai, "model-a")))
    for name in ("one", "two"):
        assert (await indexer_for(old).sync(name, tmp_path / name)).added == 1
    assert old.indexes.keys.model_id == "openai-model-a"
    await old.close()

    new_settings = make_settings(**env(fake_openai, "model-b"))
    bot = await Lorebot.open(new_settings)
    try:
        assert bot.indexes.keys.model_id == "openai-model-a"  # still answering from the complete index
        report = await indexer_for(bot).sync("one", tmp_path / "one")
        assert report.added == 1 and report.chunks_embedded == 1  # a new index: everything embedded again
    finally:
        await bot.close()

    half = await Lorebot.open(new_settings)
    try:
        assert half.indexes.keys.model_id == "openai-model-a"  # "two" is not synced with model-b yet
        await indexer_for(half).sync("two", tmp_path / "two")
    finally:
        await half.close()

    done = await Lorebot.open(new_settings)
    try:
        assert done.indexes.keys.model_id == "openai-model-b"
        await Registry(done.redis, new_settings.key_prefix).link("two", "slack:C1")
        answer = await done.answer(Question("slack", "C1", "two things"))
        assert answer.citations and answer.citations[0].source == "two"
        sent = [r.json["model"] for r in fake_openai.requests_to("/v1/embeddings")]
        assert sent[-1] == "model-b"
    finally:
        await done.close()


async def test_a_running_bot_follows_the_switch_without_a_restart(make_settings, fake_openai, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "p.md").write_text("# Page one\n\nText about one things.\n")
    first = await Lorebot.open(make_settings(**env(fake_openai, "model-a")))
    await indexer_for(first).sync("one", tmp_path / "one")
    await first.close()

    new_settings = make_settings(**env(fake_openai, "model-b"))
    now = [1000.0]
    serving = await Lorebot.open(new_settings, clock=lambda: now[0])  # e.g. the Slack process, started before the re-sync
    scheduler = await Lorebot.open(new_settings)
    try:
        await Registry(serving.redis, new_settings.key_prefix).link("one", "slack:C1")
        await serving.answer(Question("slack", "C1", "one things"))
        assert serving.indexes.keys.model_id == "openai-model-a"

        await indexer_for(scheduler).sync("one", tmp_path / "one")  # every source now synced with model-b
        await serving.answer(Question("slack", "C1", "one things"))
        assert serving.indexes.keys.model_id == "openai-model-a"  # not looked again yet: no Redis read per answer
        now[0] += MODEL_CHECK_S  # the next look is due
        answer = await serving.answer(Question("slack", "C1", "one things"))
        assert serving.indexes.keys.model_id == "openai-model-b"
        assert answer.citations and answer.citations[0].source == "one"
        assert [r.json["model"] for r in fake_openai.requests_to("/v1/embeddings")][-1] == "model-b"
    finally:
        await scheduler.close()
        await serving.close()
