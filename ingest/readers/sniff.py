"""What a file really holds, judged from its bytes, so that a reader can say "this .pdf is HTML"
or "password-protected" instead of passing on a parser's stack trace. Office files are zips
themselves: they get the same bomb checks as an export before a library unpacks them."""

from __future__ import annotations

import io
import zipfile

from ingest.documents import ReaderError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: legacy Office, or encrypted OOXML
MAX_UNPACKED = 512 * 1024 * 1024  # what one Office file may unpack to

_DESCRIPTIONS = {
    "zip": "a zip archive",
    "ole": "an OLE container (a legacy or password-protected Office file)",
    "pdf": "a PDF",
    "html": "HTML",
    "xml": "XML",
    "text": "plain text",
    "binary": "binary data",
}


def content_kind(data: bytes) -> str:
    """One of the keys of _DESCRIPTIONS."""
    head = data[:1024]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if b"%PDF-" in head:  # the header may follow some junk bytes
        return "pdf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if b"\x00" in head:
        return "binary"
    return "text"


def describe(kind: str) -> str:
    return _DESCRIPTIONS.get(kind, kind)


def require(data: bytes, expected: str, fmt: str) -> None:
    """Raise a ReaderError naming what the file holds when it is not `expected`."""
    kind = content_kind(data)
    if kind != expected:
        raise ReaderError(f"not a valid {fmt}: the file holds {describe(kind)} (its extension does not match)")


def check_ooxml(data: bytes, fmt: str) -> None:
    """A .docx/.xlsx/.pptx must be a sane zip package; an OLE container is most often one saved
    with a password (Office encrypts the whole package into one)."""
    kind = content_kind(data)
    if kind == "ole":
        raise ReaderError(f"password-protected or not a valid {fmt} (an OLE container, not a zip package)")
    if kind != "zip":
        raise ReaderError(f"not a valid {fmt}: the file holds {describe(kind)} (its extension does not match)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReaderError(f"not a valid {fmt}: damaged zip package ({exc})") from None
    if any(info.flag_bits & 0x1 for info in infos):
        raise ReaderError(f"not a valid {fmt}: its parts are encrypted")
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise ReaderError(f"{fmt} unpacks to more than {MAX_UNPACKED >> 20} MiB: possible zip bomb")
