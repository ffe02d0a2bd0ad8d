"""HTML to the Markdown subset the chunker reads: headings, paragraphs, lists, code fences, and
tables flattened to one line per row with each cell under its header (merged cells repeated)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

_DROP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head", "button", "form", "input"}
_BLOCKS = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "blockquote",
    "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "address", "center", "body", "html",
}
_HEADING = re.compile(r"^h([1-6])$")
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_MARKUP_LINE = re.compile(r"^(\s*)(#{1,6}\s|```)", re.MULTILINE)
_SPECIAL_STRINGS = {"Comment", "Doctype", "ProcessingInstruction", "Declaration", "CData"}
_SEPARATED = _BLOCKS | {"br", "li", "ul", "ol", "table", "tr", "td", "th", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
MAX_COLSPAN = 100  # a hostile colspan must not blow a row up


def parse_html(data: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(data, "lxml")


def html_to_markdown(node: Tag | BeautifulSoup, heading_offset: int = 0) -> str:
    """Convert a parsed HTML element to Markdown-like text (see ingest.documents.Document)."""
    out: list[str] = []
    _walk(node, out, heading_offset)
    text = "".join(out)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def escape_markup(text: str) -> str:
    """Keep plain text plain: a line that would read as a heading or a code fence gets a backslash."""
    return _MARKUP_LINE.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def _inline(node: Tag, skip: frozenset[int] = frozenset()) -> str:
    parts: list[str] = []
    _collect(node, parts, skip)
    return _WS.sub(" ", "".join(parts)).replace("\n", " ").strip()


def _collect(node: Tag, parts: list[str], skip: frozenset[int]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child).__name__ not in _SPECIAL_STRINGS:
                parts.append(str(child))
        elif isinstance(child, Tag) and child.name not in _DROP and id(child) not in skip:
            # Block boundaries separate words: "<p>one</p><p>two</p>" is "one two", not "onetwo".
            sep = " " if child.name in _SEPARATED else ""
            parts.append(sep)
            _collect(child, parts, skip)
            parts.append(sep)


def _walk(node: Tag, out: list[str], offset: int) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child).__name__ not in {"Comment", "Doctype", "ProcessingInstruction", "Declaration"}:
                text = _WS.sub(" ", str(child)).replace("\n", " ")
                line_start = "".join(out[-4:]).rstrip(" ")
                out.append(escape_markup(text) if not line_start or line_start.endswith("\n") else text)
        elif isinstance(child, Tag):
            _element(child, out, offset)


def _element(child: Tag, out: list[str], offset: int) -> None:
    name = child.name or ""
    if name in _DROP:
        return
    m = _HEADING.match(name)
    if m:
        level = min(6, int(m.group(1)) + offset)
        title = _inline(child)
        if title:
            out.append(f"\n\n{'#' * level} {title}\n\n")
    elif name == "pre":
        code = child.get_text()
        lang = re.sub(r"[^\w+#.-]", "", str(child.get("data-language") or ""))
        out.append(f"\n\n```{lang}\n" + code.strip("\n") + "\n```\n\n")
    elif name == "table":
        out.append("\n\n" + table_to_text(child) + "\n\n")
    elif name in {"ul", "ol"}:
        out.append("\n\n")
        _list(child, out, offset, 0)
        out.append("\n")
    elif name == "li":
        out.append(f"\n- {_inline(child)}\n")
    elif name == "br":
        out.append("\n")
    elif name == "hr":
        out.append("\n\n")
    elif name in _BLOCKS:
        out.append("\n\n")
        _walk(child, out, offset)
        out.append("\n\n")
    else:
        _walk(child, out, offset)


def _list(node: Tag, out: list[str], offset: int, depth: int) -> None:
    """One line per item, nested lists indented two spaces a level; code and tables inside an
    item follow its line as blocks of their own."""
    ordered = node.name == "ol"
    for i, li in enumerate(node.find_all("li", recursive=False), _span(node, "start", 1 << 30)):
        nested = [c for c in li.find_all(["ul", "ol"]) if _owner(c, li)]
        blocks = [c for c in li.find_all(["pre", "table"]) if _owner(c, li)]
        bullet = f"{i}." if ordered else "-"
        text = _inline(li, frozenset(map(id, nested + blocks)))
        if text:  # an empty item (an image, a sub-list only) gets no line of its own
            out.append(f"{'  ' * depth}{bullet} {text}\n")
        for block in blocks:
            sub: list[str] = []
            _element(block, sub, offset)
            out.append("".join(sub).strip("\n") + "\n")
        for sublist in nested:
            _list(sublist, out, offset, depth + 1)


def _owner(tag: Tag, li: Tag) -> bool:
    """True when `tag` belongs to `li` itself, not to a list, table or code block inside it."""
    parent = tag.parent
    while parent is not None and parent is not li:
        if parent.name in {"ul", "ol", "pre", "table"}:
            return False
        parent = parent.parent
    return parent is li


def table_to_text(table: Tag) -> str:
    """One line per row, "Header: value; Header: value", so a chunk never holds a row without its
    header. Merged cells are spread over the rows they span; several header rows at the top are
    joined ("Group / Column"). A table without a header row keeps its cells joined with " | "."""
    grid = _grid(table)
    header: list[str] | None = None
    heads = []
    while grid and grid[0][0]:
        heads.append(grid.pop(0)[1])
    if heads:
        width = max(len(h) for h in heads)
        header = [" / ".join(dict.fromkeys(h[c] for h in heads if c < len(h) and h[c])) for c in range(width)]
    rows = [values for _, values in grid]
    if header is None and len(rows) > 1 and table.find("thead") is None:
        # Many exports mark no <th>; a first row of short labels is then the header.
        first = rows[0]
        if all(0 < len(v) <= 40 for v in first):
            header, rows = first, rows[1:]
    return rows_to_text(rows, header)


def rows_to_text(rows: list[list[str]], header: list[str] | None = None) -> str:
    """Rows as lines, each value under its header: "Header: value; Header: value"."""
    lines = []
    for values in rows:
        if header:
            pairs = [f"{h}: {v}" if h else v for h, v in zip(header, values) if v]
            pairs += [v for v in values[len(header):] if v]
            line = "; ".join(pairs)
        else:
            line = " | ".join(v for v in values if v)
        if line:
            lines.append(line)
    return escape_markup("\n".join(lines))


def _grid(table: Tag) -> list[tuple[bool, list[str]]]:
    """(all cells are <th>, cell texts) per row, with rowspan repeated downwards. A colspan
    repeats a header cell across its columns but fills only the first column of a data row."""
    out: list[tuple[bool, list[str]]] = []
    carried: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = tr.find_all(["th", "td"], recursive=False)
        is_head = bool(cells) and all(c.name == "th" for c in cells)
        row: list[str] = []
        queue = list(cells)
        while queue or len(row) in carried:
            col = len(row)
            if col in carried:
                left, text = carried.pop(col)
                if left > 1:
                    carried[col] = (left - 1, text)
                row.append(text)
                continue
            cell = queue.pop(0)
            text = _inline(cell)
            for k in range(_span(cell, "colspan", MAX_COLSPAN)):
                row.append(text if k == 0 or is_head else "")
                rowspan = _span(cell, "rowspan", 1000)
                if rowspan > 1:
                    carried[col + k] = (rowspan - 1, row[-1])
        if any(row):
            out.append((is_head, row))
    return out


def _span(cell: Tag, attr: str, cap: int) -> int:
    try:
        return max(1, min(cap, int(str(cell.get(attr) or 1))))
    except ValueError:
        return 1
