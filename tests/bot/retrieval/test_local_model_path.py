"""LOREBOT_EMBEDDINGS=local:PATH loads any sentence-transformers model folder, with the query and
passage prefixes the model needs (e5's "query: " / "passage: "), offline. The folder is made here
from the shipped all-MiniLM-L6-v2 (`model.save`), so the code path runs with no download."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.core import Lorebot
from bot.retrieval.embedder import LocalEmbedder, local_model_path, model_prefixes
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory) -> Path:
    from sentence_transformers import SentenceTransformer

    root = tmp_path_factory.mktemp("models")
    SentenceTransformer(str(local_model_path()), device="cpu").save(str(root / "tiny-e5-small"))
    return root / "tiny-e5-small"


def test_prefixes_come_from_the_model_folder(tmp_path, saved_model):
    assert model_prefixes(saved_model) == ("query: ", "passage: ")  # an e5 model by its name
    plain = tmp_path / "some-model"
    plain.mkdir()
    assert model_prefixes(plain) == ("", "")
    (plain / "config_sentence_transformers.json").write_text(json.dumps(
        {"prompts": {"query": "Represent this question: ", "document": ""}}))
    assert model_prefixes(plain) == ("Represent this question: ", "")


async def test_a_local_folder_embeds_with_its_prefixes(saved_model):
    embedder = LocalEmbedder(f"local:{saved_model}")
    assert embedder.model_id == "tiny-e5-small"
    query = await embedder.embed_query("how do I reset my password")
    model = embedder._load()
    expected = model.encode(["query: how do I reset my password"], normalize_embeddings=True)[0]
    assert np.allclose(query, expected, atol=1e-5)
    passage = (await embedder.embed_documents(["Reset it on the login page."]))[0]
    assert np.allclose(passage, model.encode(["passage: Reset it on the login page."], normalize_embeddings=True)[0],
                       atol=1e-5)
    assert embedder.max_tokens < model.max_seq_length  # the passage prefix takes part of the window
    by_hand = LocalEmbedder(f"local:{saved_model}", query_prefix="", passage_prefix="")
    assert by_hand.model_id != embedder.model_id  # other vectors: another index and cache entries


async def test_lorebot_answers_from_a_local_model_folder(make_settings, tmp_path, saved_model):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "reset.md").write_text("# Password reset\n\nReset your password on the login page.\n")
    (docs / "lunch.md").write_text("# Lunch\n\nThe canteen opens at noon.\n")
    bot = await Lorebot.open(make_settings(LOREBOT_EMBEDDINGS=f"local:{saved_model}"))
    try:
        await indexer_for(bot).sync("wiki", docs)
        await Registry(bot.redis, bot.settings.key_prefix).link("wiki", "cli:local")
        answer = await bot.answer(Question("cli", "local", "how can I change my password?"))
        assert bot.indexes.keys.model_id == "tiny-e5-small"
        assert answer.citations and answer.citations[0].title == "Password reset"
    finally:
        await bot.close()
