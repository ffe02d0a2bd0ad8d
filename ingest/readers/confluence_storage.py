"""Confluence storage format (the XHTML with ac:/ri: macros that Confluence keeps a page in, and
that XML space exports carry) to the Markdown subset the chunker reads.

Macros are rewritten into plain HTML first, innermost first, then html_to_markdown does the rest:
code -> fence with its language; info/note/warning/tip/panel -> the content led by "Note:" (etc.);
expand and other wrappers -> their content; toc and other navigation -> dropped; links -> their text
or the page / file they point to; images -> caption or alt text; task lists -> "[x]"/"[ ]" items.
include and excerpt-include are dropped here: confluence_includes puts the other page's text in
their place first when the export holds it.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.readers.html_text import html_to_markdown

_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
PANEL_LABELS = {"info": "Info", "note": "Note", "warning": "Warning", "tip": "Tip", "panel": "Note", "success": "Tip",
                "error": "Warning", "custom": "Note"}
CODE_MACROS = {"code", "noformat", "code-block", "sql", "sql-query"}
DROPPED_MACROS = {
    "toc", "children", "pagetree", "pagetreesearch", "anchor", "recently-updated", "contentbylabel", "livesearch",
    "attachments", "blog-posts", "create-from-template", "index", "listlabels", "popular-labels", "related-labels",
    "gallery", "profile", "contributors", "contributors-summary", "change-history", "page-index", "search",
}
FILE_MACROS = {"view-file", "viewpdf", "viewdoc", "viewxls", "viewppt", "multimedia", "widget"}
EMOTICONS = {"tick": "✓", "cross": "✗", "warning": "⚠", "information": "ℹ", "light-on": "💡", "thumbs-up": "👍",
             "thumbs-down": "👎", "yellow-star": "★", "blue-star": "★", "star": "★", "question": "?"}
_MACRO_LEVEL = {"ac:structured-macro", "ac:macro", "ac:link", "ac:image", "ac:task-list", "ac:task", "ac:emoticon",
                "ac:adf-extension", "ac:layout", "ac:layout-section", "ac:layout-cell", "ac:placeholder", "time"}


def storage_to_markdown(xhtml: str) -> str:
    return render_storage(parse_storage(xhtml))


def parse_storage(xhtml: str) -> BeautifulSoup:
    # CDATA (code bodies) becomes escaped text first: HTML parsers disagree about CDATA outside SVG.
    return BeautifulSoup(_CDATA.sub(lambda m: html.escape(m.group(1), quote=False), xhtml), "html.parser")


def render_storage(soup: BeautifulSoup) -> str:
    """Markdown of a parsed storage-format body (its macros are rewritten in place)."""
    for tag in reversed(soup.find_all(lambda t: t.name in _MACRO_LEVEL)):
        _rewrite(soup, tag)
    for tag in soup.find_all(lambda t: t.name.startswith(("ac:", "ri:"))):
        if tag.decomposed:
            continue
        if tag.name in {"ac:parameter", "ac:adf-mark", "ac:adf-attribute"} or tag.name.startswith("ri:"):
            tag.decompose()
        else:
            tag.unwrap()
    return html_to_markdown(soup)


def prefix_label(soup: BeautifulSoup, box: Tag, label: str, title: str = "") -> None:
    """Lead a panel's content with "Label: " (its first paragraph keeps its text after it)."""
    first = next((c for c in box.children if isinstance(c, Tag) or str(c).strip()), None)
    if title or not isinstance(first, Tag) or first.name not in {"p", "blockquote"}:
        lead = soup.new_tag("p")
        lead.string = f"{label}: {title}" if title else f"{label}:"
        box.insert(0, lead)
    else:
        first.insert(0, NavigableString(f"{label}: "))


def _rewrite(soup: BeautifulSoup, tag: Tag) -> None:
    name = tag.name
    if name in {"ac:structured-macro", "ac:macro"}:
        _macro(soup, tag)
    elif name == "ac:link":
        tag.replace_with(_link_text(tag))
    elif name == "ac:image":
        caption = tag.find("ac:caption")
        alt = str(tag.get("ac:alt") or tag.get("ac:title") or "").strip()
        if caption is not None and caption.get_text(strip=True):
            tag.replace_with(_as(soup, "div", caption))
        elif alt and not re.search(r"\.(png|jpe?g|gif|svg|webp|bmp)$", alt, re.IGNORECASE):
            tag.replace_with(f"[image: {alt}]")
        else:
            tag.decompose()
    elif name == "ac:task-list":
        tag.name = "ul"
    elif name == "ac:task":
        status = tag.find("ac:task-status")
        done = status is not None and status.get_text(strip=True).lower() == "complete"
        body = tag.find("ac:task-body")
        item = _as(soup, "li", body)
        item.insert(0, NavigableString("[x] " if done else "[ ] "))
        tag.replace_with(item)
    elif name == "ac:emoticon":
        tag.replace_with(EMOTICONS.get(str(tag.get("ac:name") or ""), ""))
    elif name == "ac:adf-extension":
        _adf(soup, tag)
    elif name in {"ac:layout", "ac:layout-section", "ac:layout-cell"}:
        tag.name = "div"
    elif name == "ac:placeholder":  # template instructions, not content
        tag.decompose()
    elif name == "time":
        tag.replace_with(str(tag.get("datetime") or tag.get_text()))


def _macro(soup: BeautifulSoup, tag: Tag) -> None:
    name = str(tag.get("ac:name") or "").lower()
    params = {str(p.get("ac:name") or ""): p for p in tag.find_all("ac:parameter", recursive=False)}
    title = params["title"].get_text(" ", strip=True) if "title" in params else ""
    body = tag.find("ac:rich-text-body", recursive=False)
    plain = tag.find("ac:plain-text-body", recursive=False)
    if name in CODE_MACROS:
        pre = soup.new_tag("pre")
        pre.string = plain.get_text() if plain is not None else ""
        if "language" in params and name != "noformat":
            pre["data-language"] = params["language"].get_text(strip=True)
        block = soup.new_tag("div")
        if title:
            block.append(paragraph(soup, title))
        block.append(pre)
        tag.replace_with(block)
    elif name in PANEL_LABELS:
        box = _as(soup, "div", body)
        prefix_label(soup, box, PANEL_LABELS[name], title)
        tag.replace_with(box)
    elif name in DROPPED_MACROS:
        tag.decompose()
    elif name == "status":
        tag.replace_with(f" [{title}] " if title else "")
    elif name == "jira":
        key = params["key"].get_text(strip=True) if "key" in params else ""
        tag.replace_with(key)
    elif name in FILE_MACROS:
        ref = tag.find(["ri:attachment", "ri:url"])
        target = str(ref.get("ri:filename") or ref.get("ri:value") or "") if ref is not None else ""
        tag.replace_with(f" [file: {target}] " if target else "")
    elif body is not None:  # expand, excerpt, section, column, details, ...: keep the content
        box = _as(soup, "div", body)
        if title:
            box.insert(0, paragraph(soup, title))
        tag.replace_with(box)
    elif plain is not None:
        tag.replace_with(paragraph(soup, plain.get_text(" ", strip=True)))
    else:
        tag.decompose()


def _link_text(link: Tag) -> str:
    body = link.find(["ac:link-body", "ac:plain-text-link-body"])
    if body is not None and body.get_text(strip=True):
        return body.get_text(" ", strip=True)
    ref = link.find(lambda t: t.name.startswith("ri:"))
    if ref is None:
        return str(link.get("ac:anchor") or "")
    for attr in ("ri:content-title", "ri:filename", "ri:space-key", "ri:value"):
        if ref.get(attr):
            return str(ref[attr])
    return ""


def _adf(soup: BeautifulSoup, tag: Tag) -> None:
    """Cloud editor nodes: use the structured content (a panel gets its label), else the fallback."""
    node = tag.find("ac:adf-node")
    content = node.find("ac:adf-content") if node is not None else None
    if content is None:
        fallback = tag.find("ac:adf-fallback")
        tag.replace_with(_as(soup, "div", fallback))
        return
    box = _as(soup, "div", content)
    if node is not None and node.get("type") == "panel":
        kind = node.find("ac:adf-attribute", attrs={"key": "panel-type"})
        prefix_label(soup, box, PANEL_LABELS.get(kind.get_text(strip=True) if kind else "", "Note"))
    tag.replace_with(box)


def _as(soup: BeautifulSoup, name: str, source: Tag | None) -> Tag:
    """A new `name` element holding source's children (empty when there is no source)."""
    new = soup.new_tag(name)
    if source is not None:
        new.extend(list(source.contents))
    return new


def paragraph(soup: BeautifulSoup, text: str) -> Tag:
    p = soup.new_tag("p")
    p.string = text
    return p
