"""A file attached to a page, read by its format's reader and linked to that page.

Shared by the Confluence readers: the attachment becomes its own Document whose parent_id is the
page's doc_id and whose path leads to the page ("Space / Parent / Page").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import PurePosixPath

from ingest.documents import Document, Failure
from ingest.export import Export
from ingest.readers import FILE_READERS, read_one


def supported(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in FILE_READERS


def read_attachment(export: Export, path: str, name: str, doc_id: str, page: Document | None,
                    parent_id: str = "", url: str = "") -> Iterator[Document | Failure]:
    """Read `path` as a file called `name`; `page` is the page it hangs on (None when that page
    is not in the export: `parent_id` still names it); `url` links to the live attachment."""
    reader = FILE_READERS.get(PurePosixPath(name).suffix.lower())
    if reader is None:
        return
    result = read_one(export, path, reader)
    if isinstance(result, Failure):
        yield Failure(path, f"attachment {name!r}: {result.reason}")
        return
    where = " / ".join(p for p in (page.path, page.title) if p) if page else ""
    docs = [d for d in result if isinstance(d, Document)]
    for skipped in (f for f in result if isinstance(f, Failure)):
        yield Failure(path, f"attachment {name!r}: {skipped.reason}")
    for n, doc in enumerate(docs, 1):
        yield dataclasses.replace(
            doc,
            doc_id=doc_id if n == 1 else f"{doc_id}#{n}",
            title=name,  # as the page lists it: "Q3 report.pdf"
            path=where,
            url=url,
            parent_id=page.doc_id if page else parent_id,
            file=path,
        )

