"""PDF files: the text of each page as a `## Page N` section (so a citation can name the page).

A PDF encrypted with an empty user password (only copying or printing restricted) opens as usual;
one that needs a password to open is reported as password-protected.
"""

from __future__ import annotations

import io
import logging
import re

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from ingest.documents import Document, ReaderError
from ingest.readers.html_text import escape_markup
from ingest.readers.sniff import require
from ingest.readers.text import file_path, title_from_name

# pypdf logs every recoverable oddity of a damaged file; the sync report already says what failed.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(path: str, data: bytes) -> list[Document]:
    require(data, "pdf", "PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReaderError("password-protected PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DependencyError:
        raise ReaderError("encrypted PDF: decrypting it needs the 'cryptography' package") from None
    except PdfReadError as exc:
        raise ReaderError(f"damaged PDF ({exc})") from None
    sections = []
    for n, text in enumerate(pages, 1):
        text = re.sub(r"[ \t\u00a0]+", " ", text).strip()
        if text:
            sections.append(f"## Page {n}\n\n{escape_markup(text)}")
    if not sections:
        raise ReaderError("no extractable text (a scanned or image-only PDF?)")
    title, author, modified = _metadata(reader)
    return [
        Document(
            doc_id=path,
            title=title or title_from_name(path),
            text="\n\n".join(sections),
            path=file_path(path),
            modified=modified,
            author=author,
            kind="pdf",
        )
    ]


def _metadata(reader: PdfReader) -> tuple[str, str, str]:
    """(title, author, ISO modification date); a damaged info dictionary only loses these."""
    try:
        meta = reader.metadata
    except PdfReadError:
        meta = None
    if meta is None:
        return "", "", ""
    try:
        modified = meta.modification_date
    except (ValueError, TypeError):  # a date string pypdf cannot read
        modified = None
    return str(meta.title or "").strip(), str(meta.author or "").strip(), modified.isoformat() if modified else ""
