"""PDF files: text per page, metadata, encryption."""

import pytest

from ingest.documents import ReaderError
from ingest.readers.pdf import read_pdf
from tests.ingest.export_builders import encrypt_pdf, make_pdf


def test_text_per_page_with_page_headings():
    [doc] = read_pdf("Manuals/guide.pdf", make_pdf(["Install the agent\nthen restart", "# of nodes: 3"], "Guide"))
    assert (doc.title, doc.path, doc.kind) == ("Guide", "Manuals / guide.pdf", "pdf")
    assert doc.text == "## Page 1\n\nInstall the agent\nthen restart\n\n## Page 2\n\n\\# of nodes: 3"


def test_title_falls_back_to_file_name():
    assert read_pdf("release_notes.pdf", make_pdf(["v2"]))[0].title == "release notes"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_password_protected_pdf_is_refused(algorithm):
    with pytest.raises(ReaderError, match="^password-protected PDF$"):
        read_pdf("secret.pdf", encrypt_pdf(make_pdf(["payroll"]), user_password="hunter2", algorithm=algorithm))


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_only_an_owner_password_is_read(algorithm):
    data = encrypt_pdf(make_pdf(["printing is restricted"]), user_password="", algorithm=algorithm)
    [doc] = read_pdf("locked.pdf", data)
    assert "printing is restricted" in doc.text


def test_pdf_without_text_and_pdf_that_is_html():
    with pytest.raises(ReaderError, match="no extractable text"):
        read_pdf("scan.pdf", make_pdf([""]))
    with pytest.raises(ReaderError, match="not a valid PDF: the file holds HTML"):
        read_pdf("login.pdf", b"<html><body>Please sign in</body></html>")
