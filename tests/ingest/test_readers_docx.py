"""Word files: everything a reader of the document sees is read, in order, from the document's
XML (nested tables, content controls, text boxes, headers, footers, footnotes, tracked insertions),
and nothing a reader of the document no longer sees (tracked deletions)."""

import io
import logging

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from ingest.readers.docx_reader import read_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
WPS = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
V = 'xmlns:v="urn:schemas-microsoft-com:vml"'


def saved(d: docx.document.Document) -> bytes:
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def append_xml(d: docx.document.Document, xml: str) -> None:
    """Add a block (w:p, w:tbl, w:sdt...) at the end of the body, before its section properties."""
    d.element.body.sectPr.addprevious(parse_xml(xml))


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_table_inside_a_table_cell_is_read_with_its_row():
    d = docx.Document()
    d.add_paragraph("Vendor contacts")
    outer = d.add_table(rows=3, cols=2)
    outer.cell(0, 0).text, outer.cell(0, 1).text = "Service", "Details"
    outer.cell(1, 0).text, outer.cell(1, 1).text = "Payroll provider", "Quillfield Payroll Ltd"
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Account manager", "Tomasz Reyes"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "Contract renewal date", "31 March 2027"
    deepest = inner.cell(1, 1).add_table(rows=1, cols=3)  # and a table inside that one
    for n, text in enumerate(["notice", "90 days", "in writing"]):
        deepest.cell(0, n).text = text
    outer.cell(2, 0).text, outer.cell(2, 1).text = "Office cleaning", "Brightway Services"
    [doc] = read_docx("vendors.docx", saved(d))
    assert doc.text.split("\n\n")[1].split("\n") == [
        "Service: Payroll provider; Details: Quillfield Payroll Ltd (Account manager: Tomasz Reyes / "
        "Contract renewal date: 31 March 2027 (notice | 90 days | in writing))",
        "Service: Office cleaning; Details: Brightway Services",
    ]


def test_vertically_merged_cell_is_carried_by_every_row_it_spans():
    d = docx.Document()
    table = d.add_table(rows=4, cols=2)
    for r, (team, name) in enumerate([("Team", "Engineer"), ("Storage", "Aiko"), ("", "Bram"), ("", "Tove")]):
        table.cell(r, 0).text, table.cell(r, 1).text = team, name
    table.cell(1, 0).merge(table.cell(3, 0))
    [doc] = read_docx("rota.docx", saved(d))
    assert doc.text == "Team: Storage; Engineer: Aiko\nTeam: Storage; Engineer: Bram\nTeam: Storage; Engineer: Tove"


def test_content_controls_around_paragraphs_tables_rows_and_runs():
    d = docx.Document()
    append_xml(d, f'<w:sdt {W}><w:sdtPr><w:alias w:val="Policy"/></w:sdtPr><w:sdtContent>'
                  f'<w:p>{run("Expenses are filed within ten days.")}</w:p>'
                  f'<w:tbl><w:tr><w:tc><w:p>{run("Item")}</w:p></w:tc><w:tc><w:p>{run("Limit")}</w:p></w:tc></w:tr>'
                  f'<w:sdt><w:sdtContent><w:tr><w:tc><w:p>{run("Hotel")}</w:p></w:tc>'
                  f'<w:sdt><w:sdtContent><w:tc><w:p>{run("180 EUR")}</w:p></w:tc></w:sdtContent></w:sdt>'
                  f'</w:tr></w:sdtContent></w:sdt></w:tbl></w:sdtContent></w:sdt>')
    append_xml(d, f'<w:p {W}>{run("Approved by ")}<w:sdt><w:sdtContent>{run("Grace Hopper")}'
                  f'</w:sdtContent></w:sdt></w:p>')
    [doc] = read_docx("policy.docx", saved(d))
    assert doc.text.split("\n\n") == ["Expenses are filed within ten days.", "Item: Hotel; Limit: 180 EUR",
                                      "Approved by Grace Hopper"]


def test_text_boxes_follow_their_paragraph_once():
    d = docx.Document()
    box = f'<w:txbxContent><w:p>{run("Call 555-0100 after hours.")}</w:p></w:txbxContent>'
    # Word writes a DrawingML box with a VML copy for older readers: read one of them, once.
    append_xml(d, f'<w:p {W} {MC} {WPS} {V}>{run("On call")}<w:r><mc:AlternateContent>'
                  f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
                  f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
                  f'</mc:AlternateContent></w:r></w:p>')
    append_xml(d, f'<w:p {W} {V}><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p>{run("Legacy box")}</w:p>'
                  f'</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>')
    [doc] = read_docx("oncall.docx", saved(d))
    assert doc.text.split("\n\n") == ["On call", "Call 555-0100 after hours.", "Legacy box"]


def test_tracked_insertions_are_read_and_deletions_are_not():
    d = docx.Document()
    append_xml(d, f'<w:p {W}>{run("Refunds take ")}<w:del w:id="1" w:author="A"><w:r><w:delText>30</w:delText>'
                  f'</w:r></w:del><w:ins w:id="2" w:author="A">{run("14")}</w:ins>{run(" days.")}</w:p>')
    append_xml(d, f'<w:p {W}><w:del w:id="3" w:author="A"><w:r><w:t>Old rule, removed.</w:t></w:r></w:del></w:p>')
    append_xml(d, f'<w:p {W}><w:moveFrom w:id="4" w:author="A">{run("Moved text.")}</w:moveFrom></w:p>')
    append_xml(d, f'<w:p {W}><w:moveTo w:id="5" w:author="A">{run("Moved text.")}</w:moveTo></w:p>')
    [doc] = read_docx("refunds.docx", saved(d))
    assert doc.text.split("\n\n") == ["Refunds take 14 days.", "Moved text."]


def test_headers_footers_and_footnotes_with_text_are_read():
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "ACME internal"
    d.sections[0].footer.paragraphs[0].text = "Owner: People team"
    d.add_heading("Leave", 1)
    append_xml(d, f'<w:p {W}>{run("Twenty-five days a year")}<w:r><w:footnoteReference w:id="1"/></w:r></w:p>')
    notes = (f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>{run(" Plus public holidays.")}'
             f'</w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, notes.encode(), d.part.package)
    d.part.relate_to(part, RT.FOOTNOTES)
    [doc] = read_docx("leave.docx", saved(d))
    assert doc.text.split("\n\n") == [
        "ACME internal", "Owner: People team", "# Leave", "Twenty-five days a year[1]", "# Notes",
        "[1] Plus public holidays."]


def test_an_element_no_rule_covers_is_logged_once(caplog):
    d = docx.Document()
    d.add_paragraph("Before")
    for _ in range(2):
        append_xml(d, f'<w:altChunk {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
                      f' r:id="rId99"/>')
    with caplog.at_level(logging.DEBUG, logger="ingest.readers.docx_reader"):
        [doc] = read_docx("chunked.docx", saved(d))
    assert doc.text == "Before"
    assert [r.getMessage() for r in caplog.records] == ["chunked.docx: elements not read: w:altChunk"]
