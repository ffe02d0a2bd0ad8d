"""Text for Slack: Markdown (as the model and the core write it) to Slack mrkdwn with the citation
marks as links, Slack markup back to plain text for questions, cutting mrkdwn into pieces that
each fit a block without breaking a link, an entity or a code block, and the Markdown a streamed
answer holds (Slack renders a stream's markdown_text as standard Markdown)."""

from __future__ import annotations

import html
import re

from bot.types import Citation

FENCE = "```"
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
_BULLET = re.compile(r"^([ \t]*)[*+\-][ \t]+", re.M)
_CITE = re.compile(r"\[(\d{1,2})\]")
_SPECIAL = re.compile(r"<([!@#])")
_QUOTE_LEAD = re.compile(r"^([ \t]*(?:>[ \t]?)*)(.*)$")
_BOLD_MARK = "\x00"

_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_SLACK_LABELLED = re.compile(r"<[^<>|]+\|([^<>]+)>")
_SLACK_SPECIAL = re.compile(r"<!(\w+)(?:\^[^<>|]*)?(?:\|[^<>]*)?>")
_SLACK_BARE = re.compile(r"<([^<>|]+)>")


def escape(text: str) -> str:
    """Slack's three control characters, except a `>` that starts a quote line."""
    lines = []
    for line in text.split("\n"):
        lead, rest = _QUOTE_LEAD.match(line).groups()  # type: ignore[union-attr]
        lines.append(lead + rest.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return "\n".join(lines)


def link_url(url: str) -> str:
    """A URL as it may stand inside Slack's `<url|label>`."""
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def _prose(text: str, urls: dict[int, str]) -> str:
    text = escape(text)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1).replace('|', '¦')}>", text)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BULLET.sub(r"\1• ", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1) or m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(r"_\1_", text).replace(_BOLD_MARK, "*")
    return _CITE.sub(lambda m: f"<{urls[int(m.group(1))]}|[{m.group(1)}]>" if int(m.group(1)) in urls
                     else m.group(0), text)


def to_mrkdwn(text: str, citations: tuple[Citation, ...] = ()) -> str:
    """Markdown to mrkdwn; `[n]` marks become links to citation n's URL when it has one. Code is
    only escaped."""
    urls = {c.n: link_url(c.url) for c in citations if c.url.startswith(("http://", "https://"))}
    parts = text.split(FENCE)
    return FENCE.join(escape(p) if i % 2 else _prose(p, urls) for i, p in enumerate(parts))


def plain_text(text: str, drop_user: str = "") -> str:
    """Slack markup to the plain text a question is: the bot's own mention dropped, other mentions,
    links and specials (`<!here>`) shown as text, entities unescaped, whitespace collapsed."""
    text = _SLACK_MENTION.sub(lambda m: "" if m.group(1) == drop_user else f"@{m.group(1)}", text)
    text = _SLACK_SPECIAL.sub(r"@\1", text)
    text = _SLACK_LABELLED.sub(r"\1", text)
    text = _SLACK_BARE.sub(r"\1", text)
    return " ".join(html.unescape(text).split())


def mentioned_users(text: str) -> set[str]:
    return set(_SLACK_MENTION.findall(text))


def _cut(text: str, room: int) -> tuple[int, int]:
    """Where to end a piece of at most `room` chars, and how many separator chars to drop there.
    Prefers a paragraph break, then a line break, then a space, in the second half of the window."""
    best: tuple[int, int] | None = None
    for minimum in (room // 2, 1):
        for sep in ("\n\n", "\n", " "):
            i = text.rfind(sep, minimum, room + 1)
            if i > 0:
                best = (i, len(sep))
                break
        if best:
            break
    cut, skip = best or (room, 0)
    # Never end inside a <link|label> or an &entity;.
    opened = text.rfind("<", 0, cut)
    if opened > text.rfind(">", 0, cut):
        cut, skip = opened, 0
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp >= 0 and ";" not in text[amp:cut]:
        cut, skip = amp, 0
    # A link or entity longer than most of the window is cut through rather than left whole.
    return (cut, skip) if cut > room // 4 else (room, 0)


def split(text: str, limit: int) -> list[str]:
    """`text` as pieces of at most `limit` chars, none empty; a code block cut in two is closed at
    the end of one piece and reopened in the next."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= limit:
            pieces.append(rest)
            break
        cut, skip = _cut(rest, limit - len(FENCE) - 1)
        piece, rest = rest[:cut].rstrip(), rest[cut + skip:].lstrip("\n")
        if piece.count(FENCE) % 2:
            piece += "\n" + FENCE
            rest = FENCE + "\n" + rest
        if piece.strip():
            pieces.append(piece)
    return pieces


def truncate(text: str, limit: int) -> str:
    """The first piece of `text` that fits `limit`, with an ellipsis when something was cut."""
    pieces = split(text, limit - 2)
    if not pieces:
        return ""
    return pieces[0] + (" …" if len(pieces) > 1 else "")


def cite_in_order(text: str) -> str:
    """Citation marks renumbered 1, 2, ... in order of first use, as bot.answering.citations.cite numbers a
    finished answer, so text streamed before the end already shows the final numbers. A finished
    answer comes back unchanged."""
    order: dict[int, int] = {}
    return _CITE.sub(lambda m: f"[{order.setdefault(int(m.group(1)), len(order) + 1)}]", text)


def defused(text: str) -> str:
    """Slack's special mentions (<!here>, <!channel>, <@U123>, <#C1>) made inert with a zero-width
    space: an answer quoting a document must never ping a channel, whatever format renders it."""
    return _SPECIAL.sub("<\u200b\\1", text)


def settled(text: str, limit: int) -> str:
    """The start of an answer still being written that more text cannot change (up to its last
    whitespace: the word, mark or Markdown token at the end may still grow), citations numbered
    as in the finished answer, mentions defused, at most `limit` chars."""
    text = defused(cite_in_order(text.lstrip()))
    end = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    return text[:end].rstrip() if end > 0 else ""


def cut_for_stream(text: str, shown: int, limit: int) -> tuple[str, str]:
    """`text` as what a stream holds (at most `limit` chars, cut at a break at or after `shown`,
    the chars it already shows) and the rest, for messages after it; a code block cut in two is
    closed at the end of the one and reopened at the start of the other."""
    if len(text) <= limit:
        return text, ""
    room = limit - len(FENCE) - 1
    cut, skip = shown, 0
    for low in (max(shown, room // 2), shown):
        found = [(text.rfind(sep, low, room), len(sep)) for sep in ("\n\n", "\n", " ")]
        if any(i >= 0 for i, _ in found):
            cut, skip = next((i, n) for i, n in found if i >= 0)
            break
    head, rest = text[:cut], text[cut + skip:].lstrip("\n")
    if head.count(FENCE) % 2:
        head, rest = head + "\n" + FENCE, FENCE + "\n" + rest
    return head, rest
