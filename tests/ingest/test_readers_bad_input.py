"""Bad input: each bad file is one Failure with its name and a clear reason, and the rest of the
export is still read; an export that cannot be opened at all is an ExportError."""

import zipfile

import pytest

from ingest.documents import Document, Failure
from ingest.export import MAX_FILE_BYTES, Export, ExportError
from ingest.readers import read_export
from tests.ingest.export_builders import encrypt_pdf, make_docx, make_pdf, make_xlsx, write_zip

GOOD = "A good page that must survive its neighbours."


def read_all(location, kind="files"):
    with Export(location) as export:
        items = list(read_export(export, kind))
    return [i for i in items if isinstance(i, Document)], {f.file: f.reason for f in items if isinstance(f, Failure)}


def set_encrypted_flag(path, name):
    """Mark one entry encrypted, as an encrypting zip tool would (zipfile cannot write one)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = data.find(signature)
        while start != -1:
            if data[start + name_at: start + name_at + len(encoded)] == encoded:
                data[start + flag_at] |= 0x1
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


@pytest.fixture
def hostile_zip(tmp_path):
    path = write_zip(tmp_path / "export.zip", [
        ("good.md", f"# Good\n\n{GOOD}"),
        ("../escape.md", "outside the export"),
        ("/etc/absolute.md", "absolute path"),
        ("dir\\..\\..\\windows.md", "backslashes"),
        ("bomb.txt", b"\x00" * (20 * 1024 * 1024)),
        ("locked.md", "encrypted in the zip"),
        ("empty.txt", b""),
        ("report.docx", "this is plain text, not a Word file"),
        ("invoice.pdf", "<!DOCTYPE html><html><body>Session expired</body></html>"),
        ("latin1.txt", "Café crème".encode("latin-1")),  # read: not UTF-8, but text
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4),  # binary without NUL bytes early on
        ("secret.pdf", encrypt_pdf(make_pdf(["salaries"]), user_password="pw")),
        ("secret.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024),
        ("blank.html", "<html><body><p>   </p></body></html>"),
        ("cut.pdf", make_pdf(["half a file"])[:150]),
        ("cut.xlsx", make_xlsx()[:2000]),
        ("sub/ok.docx", make_docx(title="Fine")),
    ])
    set_encrypted_flag(path, "locked.md")
    return path


def test_every_bad_entry_is_a_failure_and_the_rest_is_read(hostile_zip):
    docs, failures = read_all(hostile_zip)
    assert sorted(d.doc_id for d in docs) == ["good.md", "latin1.txt", "sub/ok.docx"]
    assert GOOD in docs[0].text and {d.doc_id: d.text for d in docs}["latin1.txt"] == "Café crème"
    expected = {
        "../escape.md": "unsafe path in zip",
        "/etc/absolute.md": "unsafe path in zip",
        "dir/../../windows.md": "unsafe path in zip",  # reported with its separators normalised
        "bomb.txt": "possible zip bomb",
        "locked.md": "encrypted zip entry",
        "empty.txt": "empty file (0 bytes)",
        "report.docx": "not a valid docx: the file holds plain text",
        "invoice.pdf": "not a valid PDF: the file holds HTML",
        "photo.txt": "binary content, not text",
        "secret.pdf": "password-protected PDF",
        "secret.docx": "password-protected or not a valid docx",
        "blank.html": "no text content (empty page)",
        "cut.pdf": "damaged PDF",
        "cut.xlsx": "not a valid xlsx: damaged zip package",
    }
    assert set(failures) == set(expected)
    for file, reason in expected.items():
        assert reason in failures[file], (file, failures[file])


def test_damaged_entry_is_a_failure_the_others_are_read(tmp_path):
    path = write_zip(tmp_path / "export.zip", [
        ("a.md", "# A\n\n" + "alpha " * 2000), ("b.md", "# B\n\n" + "bravo " * 2000), ("c.md", "# C\n\ncharlie")])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("b.md")
    start = info.header_offset + 30 + len("b.md")
    for k in range(start + 5, start + 40):  # scramble b.md's compressed stream
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    docs, failures = read_all(path)
    assert [d.doc_id for d in docs] == ["a.md", "c.md"]
    assert list(failures) == ["b.md"] and failures["b.md"].startswith("cannot extract")


@pytest.mark.parametrize("damage", ["truncated", "not a zip"])
def test_unreadable_zip_is_an_export_error(tmp_path, damage):
    path = write_zip(tmp_path / "export.zip", [("a.md", "# A\n\n" + "text " * 5000), ("b.md", "more")])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"PDF? no, just bytes" * 10)
    with pytest.raises(ExportError, match="not a readable zip archive"):
        Export(path)


def test_oversize_file_in_a_folder(tmp_path):
    with open(tmp_path / "huge.md", "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no 50 MiB written to disk
    (tmp_path / "small.md").write_text(GOOD)
    docs, failures = read_all(tmp_path)
    assert [d.doc_id for d in docs] == ["small.md"]
    assert failures == {"huge.md": "larger than 50 MiB"}


def test_stream_limit_stops_a_member_larger_than_it_claims(tmp_path):
    path = write_zip(tmp_path / "export.zip", [("big.txt", b"x" * 4096)])
    with Export(path) as export, export.open("big.txt", limit=1000) as stream:
        with pytest.raises(ExportError, match="larger than"):
            stream.read()
