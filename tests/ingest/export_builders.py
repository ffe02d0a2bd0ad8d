"""Builders for the files and exports the reader tests read: real documents made with the same
libraries users' tools write them with (python-docx, openpyxl, python-pptx), a PDF written by
hand, a Confluence entities.xml, and zips written with zipfile; read_all reads an export back."""

from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import openpyxl
from pptx import Presentation
from pptx.util import Inches

from ingest.documents import Document, Failure
from ingest.export import Export
from ingest.readers import detect_kind, read_export

CONFLUENCE_PAGES = "com.atlassian.confluence.pages"


def write_zip(path: Path, entries: list[tuple[str, bytes | str]], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding `entries` in order (a name may repeat, as in some Drive downloads)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        with zipfile.ZipFile(path, "w", compression) as z:
            for name, data in entries:
                z.writestr(name, data)
    return path


def read_all(location: Path, page_url_base: str = "") -> tuple[str, dict[str, Document], list[Failure]]:
    """(detected kind, documents by id, failures) of an export, read as the pipeline reads it."""
    with Export(location) as export:
        kind = detect_kind(export)
        items = list(read_export(export, page_url_base=page_url_base))
    return kind, {d.doc_id: d for d in items if isinstance(d, Document)}, [f for f in items if isinstance(f, Failure)]


class ConfluenceDump:
    """entities.xml as Confluence writes it: flat <object> elements referring to each other by id."""

    def __init__(self):
        self.root = ET.Element("hibernate-generic", datetime="2024-05-01 10:00:00")
        self.next_body = 50_000

    def add(self, cls, oid, props=(), refs=()):
        obj = ET.SubElement(self.root, "object", {"class": cls, "package": CONFLUENCE_PAGES})
        ET.SubElement(obj, "id", name="id").text = oid
        for name, value in dict(props).items():
            ET.SubElement(obj, "property", name=name).text = value
        for name, (ref_cls, ref_id) in dict(refs).items():
            prop = ET.SubElement(obj, "property", {"name": name, "class": ref_cls, "package": CONFLUENCE_PAGES})
            ET.SubElement(prop, "id", name="id").text = ref_id

    def page(self, oid, title, body, parent="", status="current", cls="Page", space="1", body_type="2",
             **extra_refs):
        refs = {"space": ("Space", space), "creator": ("ConfluenceUserImpl", "u1"), **extra_refs}
        if parent:
            refs["parent"] = ("Page", parent)
        self.add(cls, oid, {"title": title, "contentStatus": status, "version": "3",
                            "lastModificationDate": "2024-04-30 09:15:00.000"}, refs)
        self.next_body += 1
        self.add("BodyContent", str(self.next_body), {"body": body, "bodyType": body_type}, {"content": (cls, oid)})

    def xml(self):
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(self.root, encoding="utf-8")

    def zip(self, path: Path) -> Path:
        return write_zip(path, [("entities.xml", self.xml()), ("exportDescriptor.properties", "exportType=space\n")])


def make_docx(title: str = "Onboarding guide", author: str = "Ada Lovelace") -> bytes:
    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = author
    d.add_heading("Onboarding guide", 0)
    d.add_paragraph("Welcome to the platform team.")
    d.add_heading("First week", 1)
    d.add_paragraph("Request VPN access from the IT desk.")
    d.add_paragraph("Laptop setup", style="List Bullet")
    d.add_paragraph("Read the runbook", style="List Bullet")
    d.add_heading("Contacts", 2)
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Role", "Person"), ("Manager", "Grace Hopper"), ("Buddy", "Alan Turing")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budget"
    sheet.append(["Team", "Quarter", "Amount"])
    sheet.append(["Platform", "Q1", 12000.0])
    sheet.append([None, None, None])
    sheet.append(["Search", "Q2", 9500.5])
    other = book.create_sheet("Owners")
    other.append(["Service", "Owner"])
    other.append(["billing-api", "Grace"])
    book.create_sheet("Empty")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_pptx() -> bytes:
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Quarterly review"
    slide.placeholders[1].text = "Revenue grew 12 percent"
    slide.notes_slide.notes_text_frame.text = "Mention the churn numbers"
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Headcount"
    table = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    for r, (a, b) in enumerate([("Team", "People"), ("Platform", "7")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def make_pdf(pages: list[str], title: str = "", font_encoding: str = "") -> bytes:
    """A small valid PDF (Helvetica text, one content stream per page, real xref table);
    `font_encoding` is the font's /Encoding entry (e.g. a /Differences array naming other glyphs)."""
    n = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        ("<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{4 + 2 * i} 0 R" for i in range(n)), n)).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica%s >>" % (b" /Encoding " + font_encoding.encode()
                                                                       if font_encoding else b""),
    ]
    for i, text in enumerate(pages):
        shown = " ".join(f"({_pdf_escape(line)}) Tj T*" for line in text.split("\n"))
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    info = ""
    if title:
        objects.append(f"<< /Title ({_pdf_escape(title)}) >>".encode("latin-1"))
        info = f" /Info {len(objects)} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypt_pdf(data: bytes, user_password: str, algorithm: str = "RC4-128") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_legacy_zip(path: Path, entries: list[tuple[bytes, bytes]], extras: dict[bytes, bytes] | None = None) -> Path:
    """A zip whose entry names are the raw bytes given, without the UTF-8 flag, as Windows' built-in
    zip and older tools write them in the system's code page (zipfile itself always writes UTF-8).
    `extras` adds an extra field to the entry of that name."""
    placeholders = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for n, (raw, data) in enumerate(entries):
            placeholder = f"{n:03d}".encode().rjust(len(raw), b"~")  # ASCII, as long as the real name
            assert len(placeholder) == len(raw)
            info = zipfile.ZipInfo(placeholder.decode(), date_time=(2024, 5, 1, 10, 0, 0))
            info.extra = (extras or {}).get(raw, b"")
            z.writestr(info, data)
            placeholders.append((placeholder, raw))
    blob = path.read_bytes()
    for placeholder, raw in placeholders:
        assert blob.count(placeholder) == 2  # the local header and the central directory
        blob = blob.replace(placeholder, raw)
    path.write_bytes(blob)
    return path
