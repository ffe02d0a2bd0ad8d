"""Answers as Block Kit: the text in mrkdwn sections, the citations as links, feedback buttons, split
across blocks and messages so Slack never refuses one for size (3,000 chars a section, 50 blocks
and 40,000 chars a message); and the closing blocks of an answer whose text was streamed.

Blocks are slack_sdk.models.blocks objects, checked by the SDK's own validators when a message is
made (a malformed one raises SlackObjectFormationError in tests, not in Slack). Text objects are
`verbatim`: Slack parses no mention, channel name or URL in them that Lorebot did not write as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack.mrkdwn import escape, link_url, split, to_mrkdwn, truncate
from bot.types import Answer, Citation

SECTION_CHARS = 3000
MAX_BLOCKS = 50
MESSAGE_CHARS = 39_000  # Slack's 40,000, less room for the fallback text
FALLBACK_CHARS = 300
PROGRESS_SECTIONS = 12
HELPFUL = "lorebot_feedback_helpful"
NOT_HELPFUL = "lorebot_feedback_not_helpful"
ASK_PERSON = "lorebot_ask_person"  # adapters.slack.handoff handles it
LOADING = "Looking through the docs…"

FEEDBACK_BLOCK = "lorebot_feedback"


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage / chat.update / respond take: notification text and blocks (validated
    when the message is made)."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def __post_init__(self) -> None:
        for block in self.blocks:
            block.validate_json()  # raises SlackObjectFormationError

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": [b.to_dict() for b in self.blocks]}


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def section(text: str) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text)])


def _chars(block: Block) -> int:
    """The characters of text a block holds, as Slack counts them towards a message's total."""
    if isinstance(block, SectionBlock):
        return len(block.text.text) if block.text else 0
    if isinstance(block, ContextBlock):
        return sum(len(getattr(e, "text", "") or "") for e in block.elements)
    if isinstance(block, ActionsBlock):
        return sum(len(e.text.text) for e in block.elements if isinstance(e, ButtonElement) and e.text)
    return 0


def feedback_block(answer_id: str) -> ActionsBlock:
    def button(action_id: str, label: str) -> ButtonElement:
        return ButtonElement(action_id=action_id, value=answer_id, text=PlainTextObject(text=label, emoji=True))

    return ActionsBlock(block_id=FEEDBACK_BLOCK,
                        elements=[button(HELPFUL, "👍 Helpful"), button(NOT_HELPFUL, "👎 Not helpful"),
                                  button(ASK_PERSON, "🙋 Ask a person")])


def source_line(c: Citation) -> str:
    title = escape(" › ".join(p for p in (c.title or c.path, c.heading) if p))
    if c.url.startswith(("http://", "https://")):
        where = f"<{link_url(c.url)}|{title.replace('|', '¦')}>"
    else:
        where = title + (f" (`{escape(c.path)}`)" if c.path and c.path != c.title else "")
    return f"*[{c.n}]* {where} · _{escape(c.source)}_"


def source_blocks(answer: Answer) -> list[Block]:
    if not answer.citations:
        return []
    sources = "*Sources*\n" + "\n".join(source_line(c) for c in answer.citations)
    return [section(p) for p in split(sources, SECTION_CHARS)]


def feedback_blocks(answer: Answer) -> list[Block]:
    """The feedback buttons, under an answer that was logged (not under a notice: there is nothing
    to judge)."""
    return [feedback_block(answer.id)] if answer.id and answer.mode != "notice" else []


def pack(blocks: list[Block], fallback: str) -> list[SlackMessage]:
    """Blocks into as few messages as fit Slack's limits; the first carries the notification text."""
    messages: list[list[Block]] = [[]]
    size = len(fallback)
    for block in blocks:
        n = _chars(block)
        if messages[-1] and (len(messages[-1]) >= MAX_BLOCKS or size + n > MESSAGE_CHARS):
            messages.append([])
            size = len(fallback)
        messages[-1].append(block)
        size += n
    return [SlackMessage(fallback if i == 0 else "(continued)", m) for i, m in enumerate(messages)]


def fallback_text(answer: Answer) -> str:
    return truncate(escape(" ".join(answer.text.split())), FALLBACK_CHARS) or "Answer"


def render_answer(answer: Answer, header: str = "", feedback: bool = True) -> list[SlackMessage]:
    """The answer as one or more messages; `header` (mrkdwn) goes on top, sources and feedback
    buttons at the end."""
    body = [section(p) for p in split(to_mrkdwn(answer.text, answer.citations), SECTION_CHARS)]
    blocks = ([context(header)] if header else []) + (body + source_blocks(answer) or [section("_(empty answer)_")])
    return pack(blocks + (feedback_blocks(answer) if feedback else []), fallback_text(answer))


def render_closing(answer: Answer) -> list[SlackMessage]:
    """The end of an answer whose text was streamed: its sources and feedback buttons, as the
    blocks chat.stopStream adds (and more messages when they do not fit), or nothing."""
    blocks = source_blocks(answer) + feedback_blocks(answer)
    return pack(blocks, fallback_text(answer)) if blocks else []


def progress_message(text_so_far: str, header: str = "") -> SlackMessage:
    """The placeholder while an answer streams: what has come so far, a little at most."""
    pieces = split(to_mrkdwn(text_so_far), SECTION_CHARS)[:PROGRESS_SECTIONS] or [LOADING]
    blocks = ([context(header)] if header else []) + [section(p) for p in pieces] + [context("_writing…_")]
    return SlackMessage(truncate(escape(" ".join(text_so_far.split())), FALLBACK_CHARS) or LOADING, blocks)


def notice_message(text: str, header: str = "") -> SlackMessage:
    """A short message (loading, an error): escaped, never more than one section."""
    body = truncate(escape(text), SECTION_CHARS)
    return SlackMessage(truncate(escape(text), FALLBACK_CHARS), ([context(header)] if header else []) + [section(body)])
