"""PDF files: text per page, metadata, encryption."""

import pytest

from ingest.documents import ReaderError
from ingest.readers.pdf import read_pdf
from tests.ingest.export_builders import encrypt_pdf, make_pdf, read_all, write_zip


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


def test_ligatures_and_full_width_forms_read_as_people_type_them():
    # 0xAE/0xAF are the fi/fl ligature glyphs of the standard encoding; 200-202 renamed to full-width.
    data = make_pdf(["Con\xaerm the \xafight. Room \xc8\xc9\xca."],
                    font_encoding="<< /Type /Encoding /Differences [200 /uniFF21 /uniFF22 /uniFF11] >>")
    [doc] = read_pdf("travel.pdf", data)
    assert doc.text == "## Page 1\n\nConfirm the flight. Room AB1."


def test_pages_without_text_are_reported_and_the_rest_indexed(tmp_path):
    write_zip(tmp_path / "export.zip", [("Scans/contract.pdf", make_pdf(["Signed on 2 May.", "", "Annex A", ""]))])
    _, docs, failures = read_all(tmp_path / "export.zip")
    assert docs["Scans/contract.pdf"].text == "## Page 1\n\nSigned on 2 May.\n\n## Page 3\n\nAnnex A"
    assert [(f.file, f.reason) for f in failures] == [
        ("Scans/contract.pdf", "pages 2, 4 have no extractable text (scanned?): not indexed")]
    [doc, failure] = read_pdf("one.pdf", make_pdf(["", "Text"]))
    assert failure.reason == "page 1 has no extractable text (scanned?): not indexed"
