"""Text for Slack: Markdown (as the model and the core write it) to Slack mrkdwn through a real
Markdown parser (markdown-it-py, CommonMark with strikethrough and links found in the text), with the
citation marks as links; Slack markup back to plain text for questions; cutting mrkdwn into pieces
that each fit a block (adapters.chat.split); and the Markdown a streamed answer holds (Slack renders
a stream's markdown_text as standard Markdown).

Nothing from a document can ping anyone: `<`, `>` and `&` are escaped everywhere (so `<!channel>`,
`<@U1>` and `<!subteam^S1>` show as text), `@here`, `@channel` and `@everyone` get a word joiner
after the `@`, and the blocks are `verbatim` (adapters.slack.render), so Slack parses no mention or
link Lorebot did not write itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from adapters.chat.split import FENCE, find_cut, open_block, spans_of, split_text
from bot.types import Citation

_CITE = re.compile(r"\[(\d{1,2})\]")
_SPECIAL = re.compile(r"<([!@#])")
_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)
_QUOTE_LEAD = re.compile(r"^([ \t]*(?:>[ \t]?)*)(.*)$")
_LINKED = ("http://", "https://", "mailto:")
# Underscore emphasis touching a path or a file name (src/__tests__/x, __init__.py) is literal text.
_WORDISH_BEFORE = re.compile(r"[\w/\\.-]$")
_WORDISH_AFTER = re.compile(r"^(?:[\w/\\-]|\.\w)")
WORD_JOINER = "\u2060"

_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_SLACK_LABELLED = re.compile(r"<[^<>|]+\|([^<>]+)>")
_SLACK_SPECIAL = re.compile(r"<!(\w+)(?:\^[^<>|]*)?(?:\|[^<>]*)?>")
_SLACK_BARE = re.compile(r"<([^<>|]+)>")

_md = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "strikethrough"])
_md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})  # only URLs with a scheme: never "setup.py"


def inert(text: str) -> str:
    """@here, @channel and @everyone shown as they are, but never a broadcast."""
    return _BROADCAST.sub("@" + WORD_JOINER, text)


def escape(text: str) -> str:
    """Slack's three control characters escaped (except a `>` that starts a quote line), broadcasts
    made inert."""
    lines = []
    for line in text.split("\n"):
        lead, rest = _QUOTE_LEAD.match(line).groups()  # type: ignore[union-attr]
        lines.append(lead + _escape(rest))
    return inert("\n".join(lines))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link_url(url: str) -> str:
    """A URL as it may stand inside Slack's `<url|label>`."""
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def to_mrkdwn(text: str, citations: Sequence[Citation] = ()) -> str:
    """Markdown to mrkdwn; `[n]` marks become links to citation n's URL when it has one. URLs and
    code are kept as written (code only escaped); blocks keep the blank lines between them."""
    urls = {c.n: link_url(c.url) for c in citations if c.url.startswith(("http://", "https://"))}
    tokens = _md.parse(text)
    return inert(_Renderer(urls, text.splitlines()).blocks(tokens, 0, len(tokens))[0])


class _Renderer:
    """markdown-it's token stream as mrkdwn: headings bold, lists with bullets or numbers, quotes
    with `>`, code fenced, links as <url|label>."""

    def __init__(self, urls: dict[int, str], lines: list[str]):
        self.urls = urls
        self.lines = lines  # the source, to keep the blank lines between blocks

    def blank_before(self, t: Token) -> bool:
        line = t.map[0] - 1 if t.map else -1
        return 0 <= line < len(self.lines) and not self.lines[line].lstrip(" \t>")

    def blocks(self, tokens: list[Token], i: int, end: int, close: str = "") -> tuple[str, int]:
        """The blocks from `i` up to the `close` token (or `end`), and the index after them."""
        out: list[str] = []
        while i < end and tokens[i].type != close:
            t = tokens[i]
            text, i = self.block(tokens, i, end)
            if text is None:
                continue
            if out:
                out.append("\n\n" if self.blank_before(t) else "\n")
            out.append(text)
        return "".join(out), i + 1

    def block(self, tokens: list[Token], i: int, end: int) -> tuple[str | None, int]:
        t = tokens[i]
        if t.type == "paragraph_open":
            return self.inline(tokens[i + 1].children or []), i + 3
        if t.type == "heading_open":
            inner = self.inline(tokens[i + 1].children or [])
            return (f"*{inner}*" if inner.strip() else inner), i + 3
        if t.type in ("fence", "code_block"):
            return f"{FENCE}\n{_escape(t.content)}{FENCE}", i + 1
        if t.type == "blockquote_open":
            inner, i = self.blocks(tokens, i + 1, end, "blockquote_close")
            return "\n".join(("> " + line) if line else ">" for line in inner.split("\n")), i
        if t.type in ("bullet_list_open", "ordered_list_open"):
            return self.list(tokens, i, end)
        if t.type == "hr":
            return "───", i + 1
        if t.type == "html_block":
            return inert(_escape(t.content.rstrip("\n"))), i + 1
        return None, i + 1

    def list(self, tokens: list[Token], i: int, end: int) -> tuple[str, int]:
        ordered = tokens[i].type == "ordered_list_open"
        n = int(tokens[i].attrs.get("start", 1) or 1)
        close = "ordered_list_close" if ordered else "bullet_list_close"
        items: list[str] = []
        i += 1
        while i < end and tokens[i].type == "list_item_open":
            inner, i = self.blocks(tokens, i + 1, end, "list_item_close")
            marker = f"{n}." if ordered else "•"
            n += 1
            first, *rest = inner.split("\n") if inner else [""]
            # Nested lists are indented under their item; a paragraph's own lines are not.
            items.append("\n".join([f"{marker} {first}", *(("    " + r) if r[:1] in "•0123456789 " and r
                                                           else r for r in rest)]))
        while i < end and tokens[i].type != close:
            i += 1
        return "\n".join(items), i + 1

    def inline(self, children: list[Token]) -> str:
        out: list[str] = []
        literal: set[int] = set()  # the closing marks of underscore emphasis kept as text
        k = 0
        while k < len(children):
            t = children[k]
            kind = t.type
            if kind in ("em_open", "strong_open"):
                close = _closing(children, k)
                if t.markup.startswith("_") and _touches_words("".join(out), children, close):
                    literal.add(close)
                    out.append(t.markup)
                else:
                    out.append("_" if kind == "em_open" else "*")
            elif kind in ("em_close", "strong_close"):
                out.append(t.markup if k in literal else ("_" if kind == "em_close" else "*"))
            elif kind in ("s_open", "s_close"):
                out.append("~")
            elif kind == "text":
                out.append(self.text(t.content))
            elif kind == "code_inline":
                out.append(f"`{_escape(t.content)}`")
            elif kind in ("softbreak", "hardbreak"):
                out.append("\n")
            elif kind == "html_inline":
                out.append(inert(_escape(t.content)))
            elif kind == "link_open":
                close = _closing(children, k)
                out.append(self.link(t.attrs.get("href", ""), children[k + 1:close], t.markup))
                k = close
            elif kind == "image":
                out.append(self.link(t.attrs.get("src", ""), t.children or [], ""))
            k += 1
        return "".join(out)

    def text(self, text: str) -> str:
        text = inert(_escape(text))
        return _CITE.sub(lambda m: f"<{self.urls[int(m.group(1))]}|[{m.group(1)}]>"
                         if int(m.group(1)) in self.urls else m.group(0), text)

    def link(self, href: object, label: list[Token], markup: str) -> str:
        url = str(href)
        shown = "".join(c.content for c in label if c.type in ("text", "code_inline")) or url
        if not url.startswith(_LINKED):
            return inert(_escape(shown))
        if markup in ("linkify", "autolink"):  # the URL as written: Slack shows it whole
            return f"<{link_url(url)}>"
        return f"<{link_url(url)}|{inert(_escape(shown)).replace('|', '¦')}>"


def _touches_words(before: str, children: list[Token], close: int) -> bool:
    """Whether underscore emphasis closing at `close` sits inside a word, path or file name."""
    nxt = children[close + 1] if close + 1 < len(children) else None
    after = nxt.content if nxt is not None and nxt.type == "text" else ""
    return bool(_WORDISH_BEFORE.search(before) or _WORDISH_AFTER.search(after))


def _closing(children: list[Token], k: int) -> int:
    """The index of the token that closes the one opened at `k`."""
    depth = 0
    for j in range(k, len(children)):
        depth += children[j].nesting
        if depth == 0:
            return j
    return len(children) - 1


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


def split(text: str, limit: int) -> list[str]:
    """mrkdwn as pieces of at most `limit` chars, none empty, never cutting a link, a mention or an
    entity; a code block cut in two is closed and reopened (adapters.chat.split)."""
    return split_text(text, limit)


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
    """Slack's special mentions (<!here>, <!channel>, <@U123>, <#C1>, <!subteam^S1>) made inert with a
    zero-width space, and @here/@channel/@everyone with a word joiner: an answer quoting a document
    must never ping anyone, whatever format renders it (a stream's Markdown is not escaped)."""
    return inert(_SPECIAL.sub("<\u200b\\1", text))


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
    cut, skip = find_cut(text, room, (max(shown, room // 2), max(shown, 1)), shown - 1, spans_of(text[:limit]))
    head, rest = text[:cut], text[cut + skip:].lstrip("\n")
    language = open_block(head)
    if language is not None:
        head, rest = head + "\n" + FENCE, f"{FENCE}{language}\n" + rest
    return head, rest
