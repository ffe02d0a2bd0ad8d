"""The model's "not covered" verdict: recognised in a reply, never streamed to the user."""

from __future__ import annotations

import pytest

from bot.answering.verdict import MARKER, VerdictFilter, says_not_covered, without_marker
from testkit.fakes.openai_server import split_pieces


@pytest.mark.parametrize("reply", [MARKER, f"  {MARKER}\n", f"**{MARKER}**", f"`{MARKER}`", f"{MARKER}.",
                                   f"\n{MARKER}\nThe passages are about Slack."])
def test_replies_that_are_the_verdict(reply):
    assert says_not_covered(reply)


@pytest.mark.parametrize("reply", ["Use the portal [1].", f"Use the portal [1].\n{MARKER}",
                                   "NOT_COVERED_BY_WARRANTY is a flag [1].", "No."])
def test_replies_that_are_answers(reply):
    assert not says_not_covered(reply)


def test_a_marker_after_an_answer_is_dropped():
    assert without_marker(f"Use the portal [1].\n\n{MARKER}\n") == "Use the portal [1]."


async def stream(reply: str, pieces: int) -> tuple[list[str], VerdictFilter]:
    seen: list[str] = []

    async def on_text(text: str) -> None:
        seen.append(text)

    shown = VerdictFilter(on_text)
    so_far = ""
    for piece in split_pieces(reply, pieces):
        so_far += piece
        await shown(so_far)
    return seen, shown


async def test_a_marker_cut_anywhere_is_held_back():
    seen: list[str] = []

    async def on_text(text: str) -> None:
        seen.append(text)

    shown = VerdictFilter(on_text)
    for end in range(1, len(MARKER) + 1):  # the reply grows one character at a time
        await shown(MARKER[:end])
    assert shown.verdict and seen == []


@pytest.mark.parametrize("pieces", [1, 2, 4, 11])
async def test_the_marker_never_reaches_on_text(pieces):
    seen2, shown2 = await stream(MARKER, pieces)
    assert shown2.verdict and seen2 == []
    seen3, shown3 = await stream(f"{MARKER}\nThe passages only mention Slack.", pieces)
    assert shown3.verdict and seen3 == []


async def test_an_answer_streams_and_a_trailing_marker_is_held_back():
    reply = f"Use the portal to reset a password [1]. NO{MARKER[2:]}"
    seen, shown = await stream(reply, 8)
    assert not shown.verdict and seen
    assert all(MARKER not in s and not s.rstrip().endswith("NOT_") for s in seen)
    assert seen[-1].strip() == "Use the portal to reset a password [1]."
    assert all(b.startswith(a.rstrip()) for a, b in zip(seen, seen[1:]))  # each text extends the last
