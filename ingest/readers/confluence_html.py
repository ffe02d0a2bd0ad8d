"""Confluence HTML space export (kind "confluence-html"), as a zip or an unpacked folder.

The export holds index.html (the space overview with the page tree, or in single-page exports the
page itself), one file per page (`Title_<id>.html` or `<id>.html`), attachments/<pageId>/...,
images/ and styles/, often under a top folder named after the space key. Per page: the title, the
breadcrumbs as path, author and date from the page metadata, and the body from #main-content only
(rendered macros cleaned by confluence_page). Attachments in formats we read become Documents
linked to their page. Given the server's `page_url_base`, pages and attachments link to the live
ones (confluence_links); the page id comes from the file name, or for index.html from its
attachments' folder.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag

from ingest.documents import Document, Failure, ReaderError
from ingest.export import Export, ExportError
from ingest.readers import read_one
from ingest.readers.attachments import read_attachment, supported
from ingest.readers.confluence_links import attachment_url, page_url
from ingest.readers.confluence_page import clean_body, page_metadata, page_title
from ingest.readers.html_text import html_to_markdown, parse_html

_PAGE_FILE = re.compile(r"(?:^|_)(\d+)\.html$")
_ATTACHMENT = re.compile(r"attachments/(\d+)/")


def detect(names: set[str]) -> bool:
    return bool(_roots(names))


def read_export(export: Export, page_url_base: str = "") -> Iterator[Document | Failure]:
    names = set()
    for f in export.files():
        if f.problem:
            yield Failure(f.key, f.problem)
        else:
            names.add(f.path)
    for root in _roots(names):
        yield from _read_space(export, root, names, page_url_base)


def _roots(names: set[str]) -> list[str]:
    """Folders ("" or "KEY/") holding index.html and the other marks of a Confluence export."""
    roots = []
    for name in names:
        if name == "index.html" or (name.endswith("/index.html") and name.count("/") == 1):
            root = name[: -len("index.html")]
            local = [n[len(root):] for n in names if n.startswith(root)]
            if "styles/site.css" in local or any(n.startswith("attachments/") or
                                                  ("/" not in n and _PAGE_FILE.search(n)) for n in local):
                roots.append(root)
    return sorted(roots)


def _read_space(export: Export, root: str, names: set[str], base: str) -> Iterator[Document | Failure]:
    index_path = f"{root}index.html"
    try:
        index = parse_html(export.read(index_path))
    except ExportError as exc:
        yield Failure(index_path, str(exc))
        index = BeautifulSoup("", "lxml")
    main = index.select_one("#main-content")
    index_is_page = main is not None and "wiki-content" in (main.get("class") or [])
    tree = {} if index_is_page else _page_tree(index, root, names)
    space = _space_name(index)
    files = sorted(n for n in names if n.startswith(root) and "/" not in n[len(root):]
                   and n.endswith(".html") and n != index_path)
    if index_is_page:
        files.insert(0, index_path)
    attachment_names: dict[str, str] = {}
    pages: dict[str, Document] = {}
    for path in files:
        reader = functools.partial(_read_page, space=space, tree=tree, root=root, attachment_names=attachment_names,
                                   base=base)
        result = read_one(export, path, reader)
        if isinstance(result, Failure):
            yield result
            continue
        for doc in result:
            if isinstance(doc, Document):
                pages[doc.doc_id] = doc
            yield doc
    for path in sorted(n for n in names if n.startswith(f"{root}attachments/") and supported(n)):
        m = _ATTACHMENT.match(path[len(root):])
        page_id = m.group(1) if m else ""
        url = attachment_url(base, page_id, attachment_names.get(path, ""))
        name = attachment_names.get(path) or PurePosixPath(path).name
        yield from read_attachment(export, path, name, path[len(root):], pages.get(page_id), page_id, url)


def _read_page(path: str, data: bytes, *, space: str, tree: dict[str, tuple[str, str]], root: str,
               attachment_names: dict[str, str], base: str) -> list[Document]:
    soup = parse_html(data)
    main = soup.select_one("#main-content")
    if main is None:
        raise ReaderError("not a Confluence page (no #main-content)")
    links = _attachment_links(soup, root)
    attachment_names.update({file: name for file, name in links.items() if name})
    crumbs = [li.get_text(" ", strip=True) for li in soup.select("#breadcrumb-section #breadcrumbs li")]
    space, title = page_title(soup, space or (crumbs[0] if crumbs else ""))
    author, modified = page_metadata(soup.select_one(".page-metadata"))
    m = _PAGE_FILE.search(PurePosixPath(path).name)
    page_id = m.group(1) if m else _page_id_from_attachments(links)
    clean_body(soup, main)
    return [
        Document(
            doc_id=page_id or path[len(root):],
            title=title or tree.get(path, ("", ""))[0] or PurePosixPath(path).stem,
            text=html_to_markdown(main),
            path=" / ".join(c for c in crumbs if c) or _tree_path(tree, path, space),
            url=page_url(base, page_id),
            modified=modified,
            author=author,
            kind="confluence-page",
        )
    ]


def _page_tree(index: BeautifulSoup, root: str, names: set[str]) -> dict[str, tuple[str, str]]:
    """page file -> (title, parent page file) from the overview's nested lists of page links."""
    tree: dict[str, tuple[str, str]] = {}

    def walk(ul: Tag, parent: str) -> None:
        for li in ul.find_all("li", recursive=False):
            a = li.find("a", href=True)
            target = f"{root}{unquote(a['href'])}" if a is not None else ""
            if target in names and target.endswith(".html"):
                tree[target] = (a.get_text(" ", strip=True), parent)
            for sub in li.find_all("ul", recursive=False):
                walk(sub, target if target in tree else parent)

    for ul in index.select("#main-content ul"):
        if ul.find_parent("ul") is None:
            walk(ul, "")
    return tree


def _tree_path(tree: dict[str, tuple[str, str]], path: str, space: str) -> str:
    chain: list[str] = []
    parent = tree.get(path, ("", ""))[1]
    while parent and parent in tree and len(chain) < 100:
        chain.insert(0, tree[parent][0])
        parent = tree[parent][1]
    return " / ".join(p for p in (space, *chain) if p)


def _space_name(index: BeautifulSoup) -> str:
    """The first breadcrumb, else the title before " : " (an overview's title is the space's name)."""
    crumb = index.select_one("#breadcrumb-section #breadcrumbs li")
    if crumb is not None:
        return crumb.get_text(" ", strip=True)
    title = index.select_one("#title-text")
    return " ".join(title.get_text(" ", strip=True).split()).split(" : ", 1)[0] if title is not None else ""


def _attachment_links(soup: BeautifulSoup, root: str) -> dict[str, str]:
    """attachment file -> the name the page shows for it (Attachments list first, then body links)."""
    found: dict[str, str] = {}
    for a in [*soup.select(".greybox a[href]"), *soup.select("#main-content a[href]")]:
        href = unquote(str(a["href"]).split("?", 1)[0])
        text = a.get_text(" ", strip=True)
        if href.startswith("attachments/") and text:
            found.setdefault(f"{root}{href}", text)
    for img in soup.select("#main-content img[src]"):
        src = unquote(str(img["src"]).split("?", 1)[0])
        if src.startswith("attachments/"):
            found.setdefault(f"{root}{src}", "")
    return found


def _page_id_from_attachments(links: dict[str, str]) -> str:
    """index.html carries no id of its own: its attachments' folder (attachments/<pageId>/) names it."""
    ids = Counter(m.group(1) for link in links if (m := _ATTACHMENT.search(link)))
    return ids.most_common(1)[0][0] if ids else ""
