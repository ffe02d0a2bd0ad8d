"""PDF files: the text of each page as a `## Page N` section (so a citation can name the page).

Text is NFKC-normalised: PDFs keep typesetting glyphs (the "ﬁ" and "ﬂ" ligatures, full-width
"ＡＢ１") that nobody types in a question. A page with no extractable text (a scanned page) is
reported in the sync's failures while the rest of the file is indexed; a PDF with none at all fails.
A PDF encrypted with an empty user password (only copying or printing restricted) opens as usual;
one that needs a password to open is reported as password-protected.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from ingest.documents import Document, Failure, ReaderError
from ingest.readers.html_text import escape_markup
from ingest.readers.sniff import require
from ingest.readers.text import file_path, title_from_name

# pypdf logs every recoverable oddity of a damaged file; the sync report already says what failed.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(path: str, data: bytes) -> list[Document | Failure]:
    """One document with a section per page that has text, and a Failure naming the pages that
    have none. Raises ReaderError for a PDF that cannot be opened or has no text at all."""
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
    sections, blank = [], []
    for n, text in enumerate(pages, 1):
        text = re.sub(r"[ \t\u00a0]+", " ", unicodedata.normalize("NFKC", text)).strip()
        if text:
            sections.append(f"## Page {n}\n\n{escape_markup(text)}")
        else:
            blank.append(n)
    if not sections:
        raise ReaderError("no extractable text (a scanned or image-only PDF?)")
    skipped: list[Document | Failure] = []
    if blank:
        which = f"page {blank[0]} has" if len(blank) == 1 else f"pages {', '.join(map(str, blank))} have"
        skipped.append(Failure(path, f"{which} no extractable text (scanned?): not indexed"))
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
        ),
        *skipped,
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
