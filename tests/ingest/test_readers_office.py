"""Word and PowerPoint files made with python-docx and python-pptx."""

import pytest

from ingest.documents import ReaderError
from ingest.readers.docx_reader import read_docx
from ingest.readers.office import read_pptx
from tests.ingest.export_builders import make_docx, make_pptx


def test_docx_headings_lists_table_and_properties():
    [doc] = read_docx("Drive/Team/Onboarding.docx", make_docx(title="Onboarding", author="Ada Lovelace"))
    assert (doc.title, doc.author, doc.path, doc.kind) == ("Onboarding", "Ada Lovelace", "Drive / Team / Onboarding.docx", "docx")
    assert doc.modified[:4].isdigit()
    assert doc.text.split("\n\n") == [
        "# Onboarding guide",
        "Welcome to the platform team.",
        "# First week",
        "Request VPN access from the IT desk.",
        "- Laptop setup\n- Read the runbook",
        "## Contacts",
        "Role: Manager; Person: Grace Hopper\nRole: Buddy; Person: Alan Turing",
    ]


def test_docx_without_title_property_takes_its_first_heading():
    [doc] = read_docx("x.docx", make_docx(title=""))
    assert doc.title == "Onboarding guide"


def test_pptx_slides_titles_text_tables_and_notes():
    [doc] = read_pptx("deck.pptx", make_pptx())
    assert doc.title == "Quarterly review"
    assert doc.text.split("\n\n") == [
        "## Slide 1: Quarterly review",
        "Revenue grew 12 percent",
        "Notes: Mention the churn numbers",
        "## Slide 2: Headcount",
        "Team: Platform; People: 7",
    ]


@pytest.mark.parametrize("reader, fmt", [(read_docx, "docx"), (read_pptx, "pptx")])
def test_encrypted_office_file_is_reported_as_password_protected(reader, fmt):
    # What Office writes for a password-protected file: an OLE compound file, not a zip.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage"
    with pytest.raises(ReaderError, match=f"password-protected or not a valid {fmt}"):
        reader(f"secret.{fmt}", ole)


def test_docx_that_is_text_says_so():
    with pytest.raises(ReaderError, match="not a valid docx: the file holds plain text"):
        read_docx("notes.docx", b"just some notes\n")


def test_office_file_that_would_unpack_to_gigabytes_is_refused_unopened():
    data = bytearray(make_docx())
    central = data.find(b"PK\x01\x02")
    data[central + 24: central + 28] = (0x7FFFFFFF).to_bytes(4, "little")  # claimed uncompressed size
    with pytest.raises(ReaderError, match="possible zip bomb"):
        read_docx("bomb.docx", bytes(data))
