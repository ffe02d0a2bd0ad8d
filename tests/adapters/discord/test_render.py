"""Splitting answers into Discord messages and the citations embed, within Discord's limits (the last
test has the fake Discord, which applies them, accept the largest embed)."""

from __future__ import annotations

import discord
import pytest

from adapters.discord.render import citations_embed, split_message
from bot.types import Answer, Citation
from testkit.fakes.discord_limits import check_message


def cite(n: int, **fields: str) -> Citation:
    values = {"title": f"Page {n}", "source": "docs", "path": f"space/page-{n}.html", "url": "", "quote": "Text."}
    return Citation(n=n, **(values | fields))  # type: ignore[arg-type]


def test_short_text_is_one_message():
    assert split_message("  Just this.  ") == ["Just this."]


def test_paragraphs_are_kept_whole_when_they_fit():
    paragraphs = [f"Paragraph {i}. " + "x" * 600 for i in range(5)]
    parts = split_message("\n\n".join(paragraphs))
    assert parts == ["\n\n".join(paragraphs[:3]), "\n\n".join(paragraphs[3:])]


def test_a_long_paragraph_is_cut_at_a_sentence():
    text = "This is one sentence of the answer. " * 100
    parts = split_message(text)
    assert all(len(p) <= 2000 for p in parts) and len(parts) == 2
    assert all(p.endswith("answer.") for p in parts)
    assert " ".join(parts).split() == text.split()


def test_text_without_any_break_is_cut_hard():
    parts = split_message("y" * 4500)
    assert [len(p) for p in parts] == [1996, 1996, 508]


def test_a_code_block_cut_in_two_is_closed_and_reopened():
    code = "\n".join(f"line_{i} = {i}" for i in range(300))
    parts = split_message(f"Run this:\n```python\n{code}\n```\nDone.")
    assert len(parts) > 1 and all(len(p) <= 2000 for p in parts)
    assert all(p.count("```") % 2 == 0 for p in parts)
    assert parts[1].startswith("```python\n")
    assert parts[-1].endswith("```\nDone.")


def test_the_embed_links_each_source_and_quotes_generated_answers():
    answer = Answer("Text [1] [2]", (cite(1, url="https://wiki.example.com/a b)c", heading="Setup [draft]"),
                                     cite(2, quote="A *bold* claim.")), mode="generative")
    embed = citations_embed(answer)
    assert embed is not None
    first, second = embed.fields
    assert first.name == "[1] Page 1"
    assert first.value.startswith("[Setup (draft)](https://wiki.example.com/a%20b%29c)")
    assert second.value == "space/page-2.html\n> A \\*bold\\* claim."


def test_extractive_answers_do_not_repeat_their_quotes_and_notices_have_no_embed():
    extractive = citations_embed(Answer("> Text. [1]", (cite(1, quote="Text."),), mode="extractive"))
    assert extractive is not None and extractive.fields[0].value == "space/page-1.html"
    assert citations_embed(Answer("No sources.", mode="notice")) is None


def test_many_long_citations_stay_within_the_embed_limits():
    cites = tuple(cite(n, title="T" * 300, heading="H" * 300, url=f"https://example.com/{n}", quote="Q " * 400)
                  for n in range(1, 41))
    embed = citations_embed(Answer("x", cites, mode="generative"))
    assert embed is not None
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert embed.footer.text == f"and {40 - len(embed.fields)} more sources"
    check_message({"content": "x", "embeds": [embed.to_dict()]})  # what the fake Discord applies


async def test_the_fake_discord_accepts_the_largest_embed(start_discord, discord_api):
    running = await start_discord()
    cites = tuple(cite(n, title="T" * 300, quote="Q " * 400) for n in range(1, 41))
    channel = running.client.get_channel(int(discord_api.channel["id"]))
    await channel.send("x", embed=citations_embed(Answer("x", cites, mode="generative")))
    [post] = discord_api.requests("POST", r"/channels/\d+/messages")
    assert post.status == 200


async def test_the_fake_discord_refuses_what_discord_refuses(start_discord, discord_api):
    running = await start_discord()
    channel = running.client.get_channel(int(discord_api.channel["id"]))
    too_big = discord.Embed(title="Sources")
    for i in range(7):
        too_big.add_field(name=f"[{i}]", value="v" * 1000)
    for kwargs in ({"content": "x" * 2001}, {"content": "x", "embed": too_big}):
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(**kwargs)
        assert (refused.value.status, refused.value.code) == (400, 50035)
