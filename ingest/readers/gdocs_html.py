"""HTML files, with Google Docs' "Web page (.html)" export recognised and cleaned.

Google's export styles everything through generated classes (c0, c1, ...) and inline CSS: the
structure is kept (headings, paragraphs, lists, tables), the styling dropped. Code blocks come
either between the private-use markers U+EC03/U+EC02 (Docs' code block feature) or as runs of
paragraphs in a monospace font; both become fences. Reviewers' comments are dropped. Any other HTML
goes to the plain HTML reader.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.documents import Document
from ingest.readers import text as plain
from ingest.readers.html_text import html_to_markdown, parse_html

CODE_START, CODE_END = "\uec03", "\uec02"
_GOOGLE_MARK = re.compile(rb"class=\"[^\"]*\bdoc-content\b|lst-kix_|\.c\d+\{")
_CLASS_RULE = re.compile(r"\.(c\d+)\{([^}]*)\}")
_MONOSPACE = re.compile(r"font-family:[^;]*(mono|courier|consolas|menlo)", re.IGNORECASE)
_REFORMAT_WS = re.compile(r"\n[ \t\r]*")
_LIST_LEVEL = re.compile(r"^lst-kix_\w+-(\d+)$")


def read_html(path: str, data: bytes) -> list[Document]:
    if b"\x00" in data[:8192] or not _GOOGLE_MARK.search(data[:262144]):
        return plain.read_html(path, data)  # which also refuses binary content
    soup = parse_html(data)
    if soup.body is None:
        return plain.read_html(path, data)
    body = soup.body
    title_tag = soup.find("title")
    title_para = body.find("p", class_="title")
    title = (title_tag.get_text(" ", strip=True) if title_tag else "") or (
        title_para.get_text(" ", strip=True) if title_para else ""
    )
    _drop_comments(body)
    _drop_reformatting(body)
    _fence_code(soup, body, _monospace_classes(soup))
    _nest_lists(body)
    return [
        Document(
            doc_id=path,
            title=title or plain.title_from_name(path),
            text=html_to_markdown(body),
            path=plain.file_path(path),
            kind="gdoc-html",
        )
    ]


def _monospace_classes(soup: BeautifulSoup) -> set[str]:
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    return {name for name, rule in _CLASS_RULE.findall(css) if _MONOSPACE.search(rule)}


def _drop_comments(body: Tag) -> None:
    """Comment anchors ([a], [b]) in the text, and the comment threads appended after it."""
    for a in body.find_all("a", id=re.compile(r"^cmnt_ref\d+")):
        (a.find_parent("sup") or a).decompose()
    for a in body.find_all("a", id=re.compile(r"^cmnt\d+")):
        holder = a.find_parent("div")
        (holder if holder is not None and holder is not body else a).decompose()


def _drop_reformatting(body: Tag) -> None:
    """Google writes no newlines inside text: any there (with their indentation) come from a tool
    that re-indented the file, and would split words or code lines that are not split."""
    for s in list(body.find_all(string=True)):
        if "\n" in s and type(s) is NavigableString:
            s.replace_with(_REFORMAT_WS.sub("", s))


def _fence_code(soup: BeautifulSoup, body: Tag, mono: set[str]) -> None:
    run: list[Tag] = []
    in_block = False
    for p in [c for c in body.children if isinstance(c, Tag)]:
        text = p.get_text()
        if p.name == "p" and (in_block or CODE_START in text):
            run.append(p)
            in_block = CODE_END not in text
            if not in_block:
                _replace(soup, run)
                run = []
        elif p.name == "p" and _is_monospace(p, mono):
            run.append(p)
        else:
            _replace(soup, run)
            run = []
    _replace(soup, run)


def _nest_lists(body: Tag) -> None:
    """Docs writes each indentation level as a separate flat list (class lst-kix_<id>-<level>):
    move each into the last item of the list above it, so that nesting shows."""
    stack: list[tuple[int, Tag]] = []
    for node in [c for c in body.children if isinstance(c, Tag)]:
        level = next((int(m.group(1)) for c in node.get("class") or [] if (m := _LIST_LEVEL.match(c))), None)
        if node.name not in {"ul", "ol"} or level is None:
            stack = []
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        items = stack[-1][1].find_all("li", recursive=False) if stack else []
        if items:
            items[-1].append(node.extract())
        stack.append((level, node))


def _is_monospace(p: Tag, mono: set[str]) -> bool:
    spans = [s for s in p.find_all("span") if s.get_text(strip=True)]
    return bool(spans) and bool(mono) and all(mono & set(s.get("class") or []) for s in spans)


def _replace(soup: BeautifulSoup, run: list[Tag]) -> None:
    if not run:
        return
    lines = []
    for p in run:
        for br in p.find_all("br"):
            br.replace_with("\n")
        lines.append(p.get_text().replace("\u00a0", " ").replace(CODE_START, "").replace(CODE_END, ""))
    pre = soup.new_tag("pre")
    pre.string = "\n".join(lines).strip("\n")
    run[0].replace_with(pre)
    for p in run[1:]:
        p.decompose()
