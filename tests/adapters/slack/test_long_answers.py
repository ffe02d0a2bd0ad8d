"""Long answers are split across blocks and messages within Slack's limits: the fake Slack API refuses
any message that breaks one, so the whole text arriving proves none did."""

from __future__ import annotations

import re

import pytest

from adapters.slack.render import render_answer
from bot.types import Answer, Citation
from testkit.fakes.slack_limits import check_message
from testkit.slack_harness import CHANNEL, has_feedback, mention, new_ts, text_of, until

MARK = re.compile(r"m\d{5}")


def long_text(paragraphs: int = 90, words: int = 160) -> str:
    """Numbered words in paragraphs, a citation per paragraph, and a long code block in the middle."""
    out, n = [], 0
    for p in range(paragraphs):
        line = []
        for _ in range(words):
            n += 1
            line.append(f"m{n:05d}")
        out.append(" ".join(line) + " [1]")
        if p == paragraphs // 2:
            out.append("```\n" + "\n".join(f"if a < b && c > d: m{n + i + 1:05d}()" for i in range(300)) + "\n```")
            n += 300
    return "\n\n".join(out)


@pytest.mark.parametrize("slack_env", [{"LOREBOT_SLACK_STREAMING": "auto"}, {}], ids=["streamed", "edited"])
async def test_a_very_long_answer_arrives_whole_across_messages(slack_http, fake_openai):
    text = long_text()
    assert len(text) > 100_000
    fake_openai.reply = lambda messages: text
    ts = new_ts()
    await slack_http.event(mention("Tell me everything about Slack setup", ts=ts))
    messages = await until(lambda: (m := slack_http.api.messages(CHANNEL, ts)) and has_feedback(m[-1]) and m,
                           timeout=30, what="the last part of the answer")
    assert len(messages) >= 3
    shown = "\n".join(text_of(m) for m in messages)
    assert MARK.findall(shown) == MARK.findall(text)  # every word, in order, nothing refused
    assert "if a &lt; b &amp;&amp; c &gt; d" in shown
    assert all(len(m["blocks"]) <= 50 for m in messages)
    assert sum(has_feedback(m) for m in messages) == 1


def test_rendering_respects_every_limit_for_awkward_text():
    url = "https://docs.example.com/page?a=1&b=2"
    cites = tuple(Citation(n, f"Page {n} | odd <title>", "docs", "a/b", url, "quote") for n in range(1, 41))
    cases = [
        "x" * 130_000,  # no break anywhere
        ("[1] " + "word " * 50 + "\n") * 2000,  # citation links everywhere
        "<&>" * 30_000,  # escaping triples the size
        "```\n" + "code line\n" * 20_000 + "```",  # one huge code block
    ]
    for text in cases:
        messages = render_answer(Answer(text, citations=cites, mode="generative", id="abc"), header="*asked*")
        for m in messages:
            check_message(m.kwargs())  # raises on any breach
            for block in m.kwargs()["blocks"]:
                body = block.get("text", {}).get("text", "")
                assert body.count("<") == body.count(">"), "a link or escape cut in two"
                assert body.count("```") % 2 == 0, "a code block left open"
        assert has_feedback(messages[-1].kwargs())
