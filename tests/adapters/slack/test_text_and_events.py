"""The pure parts: Markdown to mrkdwn, Slack markup to question text, cutting text for blocks, and
which message events are questions for the bot."""

from __future__ import annotations

import re

import pytest

from adapters.slack.events import read_message, wants_answer
from adapters.slack.mrkdwn import (
    cite_in_order,
    cut_for_stream,
    defused,
    plain_text,
    settled,
    split,
    to_mrkdwn,
)
from adapters.slack.render import source_line
from bot.answering.citations import cite as cite_passages
from bot.types import Citation, Passage

BOT, BOT_ID = "UBOT0001", "BBOT0001"


def cite(n: int, url: str = "", title: str = "Slack app setup") -> Citation:
    return Citation(n, title, "docs", "Integrations", url, "quote", "Scopes")


def test_markdown_becomes_mrkdwn_with_linked_citations():
    text = ("# Setup\n**Create** the app *now* & check <scopes> [1] [2] [9]\n> quoted [1]\n- step\n"
            "[guide](https://x.test/a)")
    out = to_mrkdwn(text, (cite(1, "https://wiki.test/p?a=1&b=2"), cite(2)))
    assert out.splitlines() == [
        "*Setup*",
        "*Create* the app _now_ &amp; check &lt;scopes&gt; <https://wiki.test/p?a=1&amp;b=2|[1]> [2] [9]",
        "> quoted <https://wiki.test/p?a=1&amp;b=2|[1]>",
        "• step",
        "<https://x.test/a|guide>",
    ]


def test_code_is_escaped_but_not_reformatted():
    assert to_mrkdwn("```\n**a** <b> [1]\n- c\n```", (cite(1, "https://x.test"),)) == \
        "```\n**a** &lt;b&gt; [1]\n- c\n```"


def test_slack_markup_becomes_the_question_text():
    raw = f"<@{BOT}> is <https://x.test|the guide> right about <#C1|general> &amp; <!here>? cc <@U2|ann>"
    assert plain_text(raw, drop_user=BOT) == "is the guide right about general & @here? cc @U2"


def test_source_lines_link_when_there_is_a_url():
    assert source_line(cite(1, "https://wiki.test/x|y")) == \
        "*[1]* <https://wiki.test/x%7Cy|Slack app setup › Scopes> · _docs_"
    assert source_line(cite(2, title="A <b> & c")) == "*[2]* A &lt;b&gt; &amp; c › Scopes (`Integrations`) · _docs_"


@pytest.mark.parametrize("limit", [50, 300, 3000])
def test_split_keeps_words_links_and_code_blocks_whole(limit):
    words = [f"w{i}" for i in range(2000)]
    text = " ".join(words[:700]) + "\n\n<https://x.test/aaaa|a link label> " * 5 + "\n```\n" + \
        "\n".join(words[700:1400]) + "\n```\n" + " &amp; ".join(words[1400:])
    pieces = split(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert all(p.count("<") == p.count(">") and p.count("```") % 2 == 0 for p in pieces)
    assert all(not re.search(r"&\w*$", p) for p in pieces)  # no entity cut in two
    assert re.findall(r"w\d+", " ".join(pieces)) == words


def test_streamed_text_only_grows_and_numbers_citations_as_the_finished_answer():
    raw = "  Use the **scopes** [4] and `Socket Mode` [2].\n\nThen [4] again, see [12] and [2]."
    passages = [Passage(f"c{n}", "d", "docs", f"Page {n}", "", "", "", "text") for n in range(12)]
    final, _ = cite_passages(raw.strip(), passages)  # what the core makes of the finished answer
    assert final == cite_in_order(raw.strip())
    assert final == "Use the **scopes** [1] and `Socket Mode` [2].\n\nThen [1] again, see [3] and [2]."
    assert cite_in_order(final) == final  # a finished answer comes back unchanged
    shown = [settled(raw[:n], 1000) for n in range(len(raw) + 1)]
    assert all(b.startswith(a) for a, b in zip(shown, shown[1:]))  # each a prefix of the next
    assert final.startswith(shown[-1]) and shown[-1].endswith("and")  # the last word may still grow
    assert settled("Use the scopes", 9) == "Use the"  # within the limit, at a break


@pytest.mark.parametrize("shown", [0, 100, 1100])
def test_cutting_for_a_stream_keeps_what_it_shows_and_code_blocks_whole(shown):
    words = [f"w{i}" for i in range(600)]
    text = " ".join(words[:200]) + "\n\n```\n" + "\n".join(words[200:400]) + "\n```\n" + " ".join(words[400:])
    head, rest = cut_for_stream(text, shown, 1200)
    assert len(head) <= 1200 and head.startswith(text[:shown]) and len(head) >= shown
    assert head.count("```") % 2 == 0 and rest.count("```") % 2 == 0
    assert re.findall(r"w\d+", head + " " + rest) == words
    assert cut_for_stream("short", 0, 1200) == ("short", "")


def event(**fields):
    return {"type": "message", "user": "U1", "text": "How?", "ts": "10.1", "channel": "C1", **fields}


@pytest.mark.parametrize("fields", [
    {"subtype": "message_changed"}, {"subtype": "message_deleted"}, {"subtype": "channel_join"},
    {"user": BOT}, {"bot_id": BOT_ID, "user": ""}, {"hidden": True}, {"ts": ""},
])
def test_events_that_are_nobodys_question(fields):
    assert read_message(event(**fields), BOT, BOT_ID) is None


def test_blank_fields_count_as_absent_and_threads_are_read():
    top = read_message(event(thread_ts="", bot_id="", subtype=""), BOT, BOT_ID)
    assert top and top.thread_ts is None and top.reply_thread == "10.1" and not top.from_bot
    root = read_message(event(thread_ts="10.1"), BOT, BOT_ID)  # a thread's parent carries its own ts
    assert root and root.thread_ts is None
    reply = read_message(event(ts="11.1", thread_ts="10.1", text=f"<@{BOT}> and <@U9>?"), BOT, BOT_ID)
    assert reply and reply.reply_thread == "10.1" and reply.mentions_bot and reply.mentions_others
    assert reply.text == "and @U9?" and reply.question().conversation == "slack:C1:10.1"
    assert read_message(event(channel="D5"), BOT, BOT_ID).is_dm  # type: ignore[union-attr]
    twin = read_message(event(type="app_mention"), BOT, BOT_ID)
    assert twin and twin.dedupe_key == top.dedupe_key  # app_mention and message of one message


async def test_who_gets_an_answer():
    async def yes() -> bool:
        return True

    async def no() -> bool:
        return False

    async def never() -> bool:
        raise AssertionError("the thread look-up was not needed")

    def msg(**fields):
        return read_message(event(**fields), BOT, BOT_ID)

    follow_up = msg(ts="11.1", thread_ts="10.1")
    assert await wants_answer(msg(text=f"<@{BOT}> hi"), False, True, never)
    assert await wants_answer(msg(channel="D1", channel_type="im"), False, False, never)
    assert not await wants_answer(msg(), False, True, never)  # top-level chatter
    assert await wants_answer(follow_up, False, True, yes)
    assert not await wants_answer(follow_up, False, True, no)  # a thread the bot is not in
    assert not await wants_answer(follow_up, False, False, never)  # follow-ups switched off
    assert not await wants_answer(msg(ts="11.1", thread_ts="10.1", text="<@U7> you?"), False, True, never)
    bot_asks = msg(text=f"<@{BOT}> hi", bot_id="B9", user="")
    assert not await wants_answer(bot_asks, False, True, never)
    assert await wants_answer(bot_asks, True, True, never)


def test_urls_paths_and_links_reach_slack_as_written():
    assert to_mrkdwn("See https://git.example.com/acme/web/tree/main/src/__tests__/checkout now") == \
        "See <https://git.example.com/acme/web/tree/main/src/__tests__/checkout> now"
    assert to_mrkdwn("the [runbook](https://wiki.example.com/wiki/Incident_(SEV1)).") == \
        "the <https://wiki.example.com/wiki/Incident_(SEV1)|runbook>."
    assert to_mrkdwn("src/__tests__/checkout, __init__.py, setup.py and __really__ *this*") == \
        "src/__tests__/checkout, __init__.py, setup.py and *really* _this_"
    assert to_mrkdwn("a `x_y <b>` and `**c**`") == "a `x_y &lt;b&gt;` and `**c**`"


def test_mentions_in_quoted_documents_never_ping():
    out = to_mrkdwn("<!channel> <!here> @here @everyone <@U0000002> <!subteam^S1|team> <#C1> & `@channel`")
    assert "<!" not in out and "<@" not in out and "<#" not in out
    assert out.count("@\u2060") == 3 and "&lt;!channel&gt;" in out and "&amp;" in out
    assert defused("<!here> <@U1> @channel") == "<\u200b!here> <\u200b@U1> @\u2060channel"


def test_lists_quotes_and_blank_lines_keep_their_shape():
    text = "Steps:\n\n1. one\n2. two\n   - nested\n\n> quoted\n> more\n\n---\n\n<div>raw</div>"
    assert to_mrkdwn(text).split("\n") == [
        "Steps:", "", "1. one", "2. two", "    • nested", "", "> quoted", "> more", "", "───", "",
        "&lt;div&gt;raw&lt;/div&gt;"]


@pytest.mark.parametrize("fields", [{"edited": {"user": "U1", "ts": "12.1"}, "type": "app_mention"},
                                    {"app_id": "A1"}, {"bot_profile": {"app_id": "A1"}, "bot_id": "B7"}])
def test_edits_and_the_bots_own_app_are_nobodys_question(fields):
    assert read_message(event(**fields), BOT, BOT_ID, app_id="A1") is None
