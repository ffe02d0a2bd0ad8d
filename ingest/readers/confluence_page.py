"""One rendered page of a Confluence HTML export: title, metadata, and the body cleaned of the
rendered macros' chrome so that html_to_markdown sees plain structure.

Code macros become <pre> with their language (-> fences), info/tip/note/warning panels lead with
"Info:" (etc.), expand macros keep their title and content, the table of contents and page trees
are dropped, inline tasks get "[x]"/"[ ]".
"""

from __future__ import annotations

import re
from datetime import date

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.readers.confluence_storage import paragraph, prefix_label

_ENGLISH_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_CJK_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
               "十一": 11, "十二": 12}
# Confluence 5.x rendered info/tip/note/warning as aui-message hint/success/warning/error;
# later versions name the macro in the class.
_PANEL_CLASSES = {
    "confluence-information-macro-information": "Info", "confluence-information-macro-tip": "Tip",
    "confluence-information-macro-note": "Note", "confluence-information-macro-warning": "Warning",
    "hint": "Info", "success": "Tip", "warning": "Note", "error": "Warning",
}
_DROPPED = ".toc-macro, .plugin_pagetree, .aui-icon, .expand-control-icon, .confluence-information-macro-icon, img"


def page_title(soup: BeautifulSoup, space: str) -> tuple[str, str]:
    """(space, title) from #title-text, which reads "Space : Title" (`space` when known)."""
    node = soup.select_one("#title-heading #title-text") or soup.find("title")
    title = " ".join(node.get_text(" ", strip=True).split()) if node is not None else ""
    if space and title.startswith(f"{space} : "):
        return space, title[len(space) + 3:].strip()
    prefix, sep, rest = title.partition(" : ")
    return (prefix, rest.strip()) if sep else (space, title)


def page_metadata(meta: Tag | None) -> tuple[str, str]:
    """(author, ISO date) from "Created by X, last modified by Y on DATE" (the creator is the
    author; the date is that of the last change, "" where it cannot be read)."""
    if meta is None:
        return "", ""
    text = " ".join(meta.get_text(" ", strip=True).split())
    names = [a.get_text(" ", strip=True) for a in meta.select(".author, .editor")]
    if not names and (m := re.search(r"(?:Created|Added) by (.+?)(?:,| on |$)", text)):
        names = [m.group(1)]
    when = re.search(r"\bon (.+)$", text)
    return (names[0] if names else ""), (parse_date(when.group(1)) if when else "")


def parse_date(text: str) -> str:
    """ISO date from the forms Confluence prints: "Jan 11, 2018", "11 Jan 2018", "一月 11, 2018",
    "2018年1月11日", "2018-01-11"; "" when none fits."""
    t = text.strip()
    if m := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})", t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif (m := re.search(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})", t)) and m[1][:3].lower() in _ENGLISH_MONTHS:
        y, mo, d = int(m[3]), _ENGLISH_MONTHS.index(m[1][:3].lower()) + 1, int(m[2])
    elif (m := re.search(r"(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})", t)) and m[2][:3].lower() in _ENGLISH_MONTHS:
        y, mo, d = int(m[3]), _ENGLISH_MONTHS.index(m[2][:3].lower()) + 1, int(m[1])
    elif m := re.search(r"(十[一二]?|[一二三四五六七八九]|\d{1,2})\s*月\s*(\d{1,2}),?\s*(\d{4})", t):
        y, mo, d = int(m[3]), _CJK_MONTHS.get(m[1]) or int(m[1]), int(m[2])
    else:
        return ""
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return ""


def clean_body(soup: BeautifulSoup, main: Tag) -> None:
    for tag in main.select(_DROPPED):
        tag.decompose()
    for panel in main.select("div.code, div.preformatted"):
        pre = panel.find("pre")
        if pre is None:
            continue
        params = str(pre.get("data-syntaxhighlighter-params") or " ".join(pre.get("class") or []))
        if m := re.search(r"brush:\s*([\w+#-]+)", params):
            pre["data-language"] = m.group(1)
        header = panel.select_one(".codeHeader, .preformattedHeader")
        box = soup.new_tag("div")
        if header is not None and header.get_text(strip=True):
            box.append(paragraph(soup, header.get_text(" ", strip=True)))
        box.append(pre.extract())
        panel.replace_with(box)
    for panel in main.select(".confluence-information-macro, .information-macro"):
        classes = panel.get("class") or []
        label = next((_PANEL_CLASSES[c] for c in classes if c in _PANEL_CLASSES), "Note")
        body = panel.select_one(".confluence-information-macro-body, .message-content") or panel
        title = panel.select_one("p.title")
        heading = title.extract().get_text(" ", strip=True) if title is not None else ""
        box = soup.new_tag("div")
        box.extend(list(body.contents))
        prefix_label(soup, box, label, heading)
        panel.replace_with(box)
    for control in main.select(".expand-container .expand-control"):
        control.replace_with(paragraph(soup, control.get_text(" ", strip=True)))
    for item in main.select("ul.inline-task-list > li"):
        item.insert(0, NavigableString("[x] " if "checked" in (item.get("class") or []) else "[ ] "))

