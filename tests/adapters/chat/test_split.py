"""The one splitter both platforms use: pieces within the limit, every word kept in order, fences
balanced (reopened with their language), and never a cut inside a link, a mention or an entity."""

from __future__ import annotations

import re

import pytest

from adapters.chat.split import ATOMS, split_text

LINK = "[incident runbook](https://wiki.example.com/wiki/Incident_response_(SEV1))"
SLACK_LINK = "<https://wiki.example.com/wiki/Incident_(SEV1)|incident runbook>"
URL = "https://git.example.com/acme/web/tree/main/src/__tests__/checkout"


def awkward(n: int = 400) -> str:
    words = [f"w{i}" for i in range(n)]
    return (" ".join(words[:100]) + f" {LINK} <@U0000001> <@&123456789> {SLACK_LINK} &amp; {URL}\n\n"
            + "```python\n" + "\n".join(f"x = {w}" for w in words[100:300]) + "\n```\n"
            + ". ".join(words[300:]) + f" {LINK}")


@pytest.mark.parametrize("limit", [97, 150, 400, 2000])
def test_pieces_fit_and_keep_every_word_link_and_fence(limit):
    text = awkward()
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert all(p.count("```") % 2 == 0 for p in pieces)
    joined = " ".join(pieces)
    assert re.findall(r"w\d+", joined) == re.findall(r"w\d+", text)
    for atom in (LINK, SLACK_LINK, URL, "<@U0000001>", "<@&123456789>", "&amp;"):
        assert joined.count(atom) == text.count(atom), atom  # each survived whole
    assert all(not re.search(r"<[^>]*$|&\w*$|\]\([^)]*$", p) for p in pieces)
    reopened = [p for p in pieces[1:] if p.startswith("```")]
    assert all(p.startswith("```python\n") for p in reopened)


def test_a_span_longer_than_the_room_is_cut_through_and_blank_text_is_no_piece():
    long_url = "https://x.test/" + "a" * 300
    assert [len(p) for p in split_text(long_url, 100)] == [96, 96, 96, 27]
    assert split_text("   \n ", 100) == []
    assert ATOMS.fullmatch(LINK) and ATOMS.fullmatch(URL + "/(x)")
