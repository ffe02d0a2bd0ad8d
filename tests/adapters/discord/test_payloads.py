"""The events the fake Discord dispatches carry every field of the examples in Discord's own docs
(../shared/data/discord-payloads), with the same types, so the tests feed discord.py real shapes."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from testkit.fakes.discord_gateway import HELLO


def missing(sample: Any, ours: Any, path: str = "") -> list[str]:
    """Fields of `sample` absent from `ours` (or of another JSON type), recursively."""
    if isinstance(sample, dict):
        if not isinstance(ours, dict):
            return [path or "."]
        return [m for k, v in sample.items()
                for m in ([f"{path}.{k}"] if k not in ours else missing(v, ours[k], f"{path}.{k}"))]
    if isinstance(sample, list):
        if not isinstance(ours, list):
            return [path]
        return missing(sample[0], ours[0], f"{path}[0]") if sample and ours else []
    if sample is None or ours is None:
        return []  # nullable fields
    same = isinstance(ours, type(sample)) or {type(sample), type(ours)} <= {int, float}
    return [] if same else [f"{path} ({type(ours).__name__}, not {type(sample).__name__})"]


@pytest.fixture
def samples(shared_data):
    folder = shared_data / "discord-payloads"
    return lambda name: json.loads((folder / name).read_text())


def test_slash_command_interactions_have_the_docs_fields(samples, discord_api):
    ours = discord_api.slash("ask", question="Why?")
    assert missing(samples("interaction_application_command_chat_input.json"), ours) == []


def test_autocomplete_interactions_have_the_docs_fields(samples, discord_api):
    ours = discord_api.autocomplete("link", "source", "lore")
    assert missing(samples("interaction_autocomplete.json"), ours) == []


def test_button_clicks_have_the_docs_interaction_fields(samples, discord_api):
    sample = samples("interaction_message_command.json")
    ours = discord_api.click("lorebot:fb:abc:1", discord_api.mention("Why?"))
    assert missing({k: v for k, v in sample.items() if k != "data"}, ours) == []  # data differs by type


def test_messages_have_the_docs_fields(samples, discord_api):
    assert missing(samples("message_object_example.json"), discord_api.mention("Why?")) == []
    assert missing(samples("message_object_example.json"), discord_api.direct_message("Why?")) == []


async def test_synced_command_definitions_match_the_docs_shape(samples, start_discord, discord_api):
    sample = samples("application_command_definition_slash.json")
    option = {k: v for k, v in sample["options"][0].items() if k != "choices"}  # ours offer no fixed choices
    await start_discord()
    ask = next(c for c in discord_api.commands[discord_api.guild_id] if c["name"] == "ask")
    assert missing({**sample, "options": [option]}, ask) == []


async def test_the_gateway_says_hello_as_the_docs_show(samples, discord_api):
    async with aiohttp.ClientSession() as session, session.ws_connect(discord_api.gateway_url) as ws:
        hello = await ws.receive_json(timeout=5)
    assert hello["op"] == HELLO and missing(samples("gateway_hello_example.json"), hello) == []
