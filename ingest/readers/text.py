"""Readers for plain files: Markdown, text and HTML pages, in whatever encoding they were saved
(ingest.readers.encoding)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ingest.documents import Document
from ingest.readers.encoding import decode_text, html_markup
from ingest.readers.html_text import html_to_markdown, parse_html

_FRONT_TITLE = re.compile(r"^title:\s*(.+)$", re.MULTILINE)


def file_path(path: str) -> str:
    """Document.path of a file: its folders and its own name, "Shared / Notes / meeting.md", so a
    citation leads to the file even when the document's title is a heading inside it."""
    return " / ".join(PurePosixPath(path).parts)


def title_from_name(path: str) -> str:
    stem = PurePosixPath(path).stem
    return re.sub(r"[_\-]+", " ", stem).strip() or stem


def read_markdown(path: str, data: bytes) -> list[Document]:
    text = decode_text(data)
    title = ""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            m = _FRONT_TITLE.search(text[4:end])
            title = m.group(1).strip().strip("\"'") if m else ""
            text = text[end + 4 :].lstrip("\n")
    if not title:
        m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        title = m.group(1).strip() if m else title_from_name(path)
    return [Document(doc_id=path, title=title, text=text, path=file_path(path), kind="markdown")]


def read_text(path: str, data: bytes) -> list[Document]:
    text = decode_text(data)
    return [Document(doc_id=path, title=title_from_name(path), text=text, path=file_path(path), kind="text")]


def read_html(path: str, data: bytes) -> list[Document]:
    soup = parse_html(html_markup(data))
    title_tag = soup.find("title")
    h1 = soup.find("h1")
    title = (title_tag.get_text(" ", strip=True) if title_tag else "") or (h1.get_text(" ", strip=True) if h1 else "")
    body = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in body.find_all(["nav", "header", "footer"]):
        tag.decompose()
    return [
        Document(
            doc_id=path,
            title=title or title_from_name(path),
            text=html_to_markdown(body),
            path=file_path(path),
            kind="html",
        )
    ]
