"""Word and PowerPoint files made with python-docx and python-pptx."""

import io
import logging

import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from ingest.documents import ReaderError
from ingest.readers.docx_reader import read_docx
from ingest.readers.office import read_pptx
from tests.ingest.export_builders import make_docx, make_pptx


def test_docx_headings_lists_table_and_properties():
    [doc] = read_docx("Drive/Team/Onboarding.docx", make_docx(title="Onboarding", author="Ada Lovelace"))
    assert (doc.title, doc.author, doc.path, doc.kind) == (
        "Onboarding", "Ada Lovelace", "Drive / Team / Onboarding.docx", "docx")
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


def test_pptx_text_in_nested_groups_tables_with_merged_cells_and_notes():
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Escalation"
    outer = slide.shapes.add_group_shape()
    outer.shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(1)).text_frame.text = "First: the on-call"
    inner = outer.shapes.add_group_shape()  # a group inside a group
    inner.shapes.add_textbox(Inches(1), Inches(2), Inches(2), Inches(1)).text_frame.text = "Then: the team lead"
    table = slide.shapes.add_table(4, 2, Inches(1), Inches(3), Inches(4), Inches(2)).table
    for r, (team, contact) in enumerate([("Team", "Contact"), ("Storage", "Aiko"), ("", "Bram"), ("Search", "Uma")]):
        table.cell(r, 0).text, table.cell(r, 1).text = team, contact
    table.cell(1, 0).merge(table.cell(2, 0))  # Storage over Aiko and Bram
    slide.notes_slide.notes_text_frame.text = "Say the pager number twice"
    slide.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(5), Inches(1), Inches(2), Inches(2), _chart_data())
    out = io.BytesIO()
    deck.save(out)
    [doc] = read_pptx("escalation.pptx", out.getvalue())
    assert doc.text.split("\n\n") == [
        "## Slide 1: Escalation",
        "First: the on-call",
        "Then: the team lead",
        "Team: Storage; Contact: Aiko\nTeam: Storage; Contact: Bram\nTeam: Search; Contact: Uma",
        "Notes: Say the pager number twice",
    ]


def test_pptx_shape_not_read_is_logged_once(caplog):
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    for x in (1, 4):
        slide.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(x), Inches(1), Inches(2), Inches(2), _chart_data())
    slide.shapes.add_textbox(Inches(1), Inches(4), Inches(2), Inches(1)).text_frame.text = "Budget split"
    out = io.BytesIO()
    deck.save(out)
    with caplog.at_level(logging.DEBUG, logger="ingest.readers.office"):
        read_pptx("budget.pptx", out.getvalue())
    assert [r.getMessage() for r in caplog.records] == ["budget.pptx: shapes not read: chart"]


def _chart_data() -> CategoryChartData:
    data = CategoryChartData()
    data.categories = ["Platform", "Search"]
    data.add_series("Budget", (60, 40))
    return data
