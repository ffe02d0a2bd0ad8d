"""Confluence XML space export (kind "confluence-xml"): entities.xml plus attachments/.

entities.xml is a Hibernate dump holding every version of every page. Only current content is
indexed: Page and BlogPost objects with contentStatus "current" and no originalVersion (older
versions point to their current one; drafts say "draft", trashed pages "deleted"). Each page gets
its space and parent chain as path ("Space / Parent"), its body from BodyContent (storage format)
with the text of the pages it includes (confluence_includes), and its current attachments as
Documents of their own; given the server's `page_url_base`, each links to the live page or file
(confluence_links). Pages holding includes are read after the others, once the bodies they
name have streamed by: only those bodies are kept in memory.

The file comes from outside: it is streamed (twice: metadata and include macros first, then only
the bodies needed) through defusedxml, and XML declaring entities or referring to external ones
is refused, never expanded.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import ParseError, iterparse

from ingest.documents import Document, Failure
from ingest.export import TOO_LARGE, Export, ExportError
from ingest.readers.attachments import read_attachment, supported
from ingest.readers.confluence_includes import Include, IncludedPages, includes_in
from ingest.readers.confluence_links import attachment_url, page_url
from ingest.readers.confluence_storage import storage_to_markdown

ENTITIES = "entities.xml"
DESCRIPTOR = "exportDescriptor.properties"
MAX_XML_BYTES = 1024 * 1024 * 1024  # entities.xml is streamed, so it may exceed the per-file limit
_CONTENT = {"Page": "confluence-page", "BlogPost": "confluence-blogpost"}


class XmlRefused(Exception):
    """entities.xml cannot be used; the message is the reason."""


def detect(names: set[str]) -> bool:
    return ENTITIES in names and DESCRIPTOR in names


@dataclass
class _Content:
    id: str
    cls: str
    title: str
    parent: str = ""
    space: str = ""
    author: str = ""
    modified: str = ""


@dataclass
class _Dump:
    spaces: dict[str, str] = field(default_factory=dict)  # id -> name
    space_keys: dict[str, str] = field(default_factory=dict)  # id -> key
    content: dict[str, _Content] = field(default_factory=dict)  # current pages and blog posts
    users: dict[str, str] = field(default_factory=dict)  # user key -> name
    attachments: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, name, page id, version
    includes: dict[str, list[Include]] = field(default_factory=dict)  # content id -> its include macros


def read_export(export: Export, page_url_base: str = "") -> Iterator[Document | Failure]:
    unusable = False
    for f in export.files():
        if f.problem and not (f.path == ENTITIES and f.problem == TOO_LARGE):
            yield Failure(f.key, f.problem)
            unusable = unusable or f.path == ENTITIES  # a bomb, encrypted...
    if unusable:
        return
    try:
        dump = _scan(export)
    except XmlRefused as exc:
        yield Failure(ENTITIES, str(exc))
        return
    pages: dict[str, Document] = {}
    included = _included_pages(dump)
    seen: set[str] = set()
    try:
        for page_id, body, body_type in _bodies(export, set(dump.content)):
            if page_id in seen:
                continue
            seen.add(page_id)
            if page_id in included.wanted:
                included.keep(page_id, _as_storage(body, body_type))
            if page_id not in dump.includes:
                yield _page(dump, pages, page_id, partial(_body_text, body, body_type), page_url_base)
    except XmlRefused as exc:
        yield Failure(ENTITIES, str(exc))
        return
    for page_id in dump.includes:  # read last: the bodies they name have all gone by
        if page_id in seen:
            yield _page(dump, pages, page_id, partial(included.render, page_id), page_url_base)
    for page_id in sorted(dump.content.keys() - pages.keys()):
        yield Failure(f"{ENTITIES}#{page_id}", f"empty page {dump.content[page_id].title!r} (no body)")
    yield from _attachments(export, dump, pages, page_url_base)


def _page(dump: _Dump, pages: dict[str, Document], page_id: str, text_of: Callable[[], str],
          base: str) -> Document | Failure:
    page = dump.content[page_id]
    try:
        text, problem = text_of(), f"empty page {page.title!r}"
    except Exception as exc:  # a body the converter chokes on: report it, read the others
        text, problem = "", f"cannot parse page {page.title!r} ({type(exc).__name__})"
    pages[page_id] = doc = _document(dump, page, text, base)  # attachments hang on it either way
    return doc if text.strip() else Failure(f"{ENTITIES}#{page_id}", problem)


def _scan(export: Export) -> _Dump:
    dump = _Dump()
    for cls, oid, props, refs in _objects(export, keep_body=True):  # bodies are only looked at for includes
        if cls == "Space":
            dump.spaces[oid] = props.get("name") or props.get("key") or oid
            dump.space_keys[oid] = props.get("key", "").strip()
        elif cls in _CONTENT and _current(props, refs):
            dump.content[oid] = _Content(
                oid, cls, props.get("title", "").strip() or f"Untitled {oid}", refs.get("parent", ""),
                refs.get("space", ""), refs.get("creator", ""),
                _iso(props.get("lastModificationDate") or props.get("creationDate") or ""),
            )
        elif cls == "ConfluenceUserImpl":
            dump.users[oid] = props.get("name", "")
        elif cls == "Attachment" and _current(props, refs):
            name = props.get("title") or props.get("fileName") or ""
            page = refs.get("containerContent") or refs.get("content") or ""
            dump.attachments.append((oid, name, page, props.get("version", "1").strip()))
        elif cls == "BodyContent" and props.get("bodyType", "2").strip() != "0":
            if found := includes_in(props.get("body", "")):
                dump.includes.setdefault(refs.get("content", ""), found)
    dump.includes = {page_id: found for page_id, found in dump.includes.items() if page_id in dump.content}
    return dump


def _included_pages(dump: _Dump) -> IncludedPages:
    spaces = {page.id: dump.space_keys.get(page.space, "") for page in dump.content.values()}
    titles = {page.id: page.title for page in dump.content.values() if page.cls == "Page"}
    return IncludedPages(spaces, titles, dump.includes)


def _current(props: dict[str, str], refs: dict[str, str]) -> bool:
    status = props.get("contentStatus", "current").strip().lower()  # exports before 5.x have no status
    return status == "current" and "originalVersion" not in refs and not props.get("originalVersionId", "").strip()


def _bodies(export: Export, wanted: set[str]) -> Iterator[tuple[str, str, str]]:
    for cls, _, props, refs in _objects(export, keep_body=True):
        if cls == "BodyContent" and refs.get("content") in wanted:
            yield refs["content"], props.get("body", ""), props.get("bodyType", "2").strip()


def _objects(export: Export, keep_body: bool = False) -> Iterator[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(class, id, plain properties, references to other objects' ids) of every top-level object."""
    try:
        with export.open(ENTITIES, limit=MAX_XML_BYTES) as stream:
            root: Any = None
            for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=False):
                if root is None:
                    root = elem
                if event != "end" or elem.tag != "object":
                    continue
                props: dict[str, str] = {}
                refs: dict[str, str] = {}
                for prop in elem.findall("property"):
                    name = prop.get("name", "")
                    ref = prop.find("id")
                    if ref is not None:
                        refs[name] = (ref.text or "").strip()
                    elif name != "body" or keep_body:
                        props[name] = prop.text or ""
                oid = elem.find("id")
                yield elem.get("class", ""), (oid.text or "").strip() if oid is not None else "", props, refs
                root.clear()  # keeps memory flat however large the dump
    except EntitiesForbidden as exc:
        what = "refers to an external entity" if exc.sysid or exc.pubid else "declares an entity"
        raise XmlRefused(f"{what} ({exc.name!r}): entity expansion and external entities are refused") from None
    except DefusedXmlException as exc:
        raise XmlRefused(f"unsafe XML refused ({type(exc).__name__})") from None
    except ParseError as exc:
        raise XmlRefused(f"malformed XML ({exc})") from None
    except ExportError as exc:
        raise XmlRefused(str(exc)) from None


def _body_text(body: str, body_type: str) -> str:
    return storage_to_markdown(body) if body_type != "0" else body.strip()  # 0: legacy wiki markup, kept as text


def _as_storage(body: str, body_type: str) -> str:
    """A body to include: legacy wiki markup (type 0) goes in as the plain text it is read as."""
    if body_type != "0":
        return body
    return "<p>" + "<br/>".join(html.escape(line) for line in body.strip().splitlines()) + "</p>"


def _document(dump: _Dump, page: _Content, text: str, base: str) -> Document:
    return Document(
        doc_id=page.id,
        title=page.title,
        text=text,
        path=_path(dump, page),
        url=page_url(base, page.id),
        modified=page.modified,
        author=dump.users.get(page.author, ""),
        kind=_CONTENT[page.cls],
        file=ENTITIES,
    )


def _path(dump: _Dump, page: _Content) -> str:
    chain: list[str] = []
    seen = {page.id}
    node = page
    while node.parent and node.parent in dump.content and node.parent not in seen:
        seen.add(node.parent)
        node = dump.content[node.parent]
        chain.insert(0, node.title)
    space = dump.spaces.get(page.space or node.space, "")
    if page.cls == "BlogPost":
        chain = ["Blog"]
    return " / ".join(p for p in (space, *chain) if p)


def _attachments(export: Export, dump: _Dump, pages: dict[str, Document], base: str) -> Iterator[Document | Failure]:
    names = export.names()
    for att_id, name, page_id, version in dump.attachments:
        if page_id not in dump.content or not supported(name):
            continue
        # Confluence 8.1+ adds a version level: attachments/<page>/<attachment>/<version>
        for path in (f"attachments/{page_id}/{att_id}/{version}", f"attachments/{page_id}/{att_id}"):
            if path in names:
                yield from read_attachment(export, path, name, f"att{att_id}", pages.get(page_id), page_id,
                                           attachment_url(base, page_id, name))
                break


def _iso(value: str) -> str:
    try:
        return datetime.strptime(value.strip()[:19], "%Y-%m-%d %H:%M:%S").isoformat()
    except ValueError:
        return ""
