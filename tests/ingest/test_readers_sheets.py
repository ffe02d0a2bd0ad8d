"""Spreadsheets and CSV: one line per row, each value under its column header; merged cells,
formulas, hidden sheets, wide rows, CSVs in other encodings and with huge cells."""

import io
import zipfile

import openpyxl
import pytest

from ingest.documents import ReaderError
from ingest.readers.sheets import read_csv, read_xlsx
from tests.ingest.export_builders import make_xlsx, read_all, write_zip


def test_xlsx_one_section_per_sheet_rows_under_headers():
    [doc] = read_xlsx("Finance/Budget.xlsx", make_xlsx())
    assert (doc.title, doc.path, doc.kind) == ("Budget", "Finance / Budget.xlsx", "xlsx")
    assert doc.text == (
        "## Budget\n\n"
        "Team: Platform; Quarter: Q1; Amount: 12000\n"
        "Team: Search; Quarter: Q2; Amount: 9500.5\n\n"
        "## Owners\n\n"
        "Service: billing-api; Owner: Grace"
    )


def test_csv_with_sniffed_delimiter_and_quoted_fields():
    data = b'name;role;notes\nAda;lead;"writes\nthe specs"\nGrace;;on call\n'
    [doc] = read_csv("people.csv", data)
    assert doc.text == "name: Ada; role: lead; notes: writes the specs\nname: Grace; notes: on call"


def test_tsv_and_bom():
    [doc] = read_csv("t.tsv", "\ufeffa\tb\n1\t2\n".encode())
    assert doc.text == "a: 1; b: 2"


def test_csv_as_excel_saves_it_on_western_windows():
    # Windows-1252 (the € is 0x80, outside Latin-1), ";" as a French or German Excel separates.
    data = "Dish;Price\r\nCrème brûlée;4,50 €\r\nSalade niçoise;6,20 €\r\n".encode("cp1252")
    [doc] = read_csv("menu.csv", data)
    assert doc.text == "Dish: Crème brûlée; Price: 4,50 €\nDish: Salade niçoise; Price: 6,20 €"


def test_csv_cell_over_the_default_field_limit_is_read_and_the_rows_after_it_too():
    log = " ".join(f"2025-05-{i % 28 + 1:02d} worker-{i % 9} status=reset." for i in range(8000))
    assert len(log) > 131072  # Python's csv.field_size_limit() default
    data = f'Ticket,Resolution,Log\nT-1,Raised the timeout,"{log}"\nT-2,"Replace the ribbon; E7 means empty",\n'
    [doc] = read_csv("tickets.csv", data.encode())
    first, second = doc.text.split("\n")
    assert first.startswith("Ticket: T-1; Resolution: Raised the timeout; Log: 2025-05-01") and len(first) > len(log)
    assert second == "Ticket: T-2; Resolution: Replace the ribbon; E7 means empty"


def test_csv_that_is_binary_is_still_refused():
    with pytest.raises(ReaderError, match="binary content, not text"):
        read_csv("export.csv", b"\xff\xd8\xff\xe0" + bytes(range(1, 256)) * 8)


def test_xlsx_that_is_html_says_so():
    with pytest.raises(ReaderError, match="not a valid xlsx: the file holds HTML"):
        read_xlsx("report.xlsx", b"<!DOCTYPE html><html><body>Sign in</body></html>")


def _xlsx(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_merged_cell_value_is_carried_by_every_row_it_spans():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Team", "Engineer", "Week"])
    for n, name in enumerate(["Aiko", "Bram", "Tove", "Uma", "Vera"], 1):
        sheet.append(["Storage" if n == 1 else ("Networking" if n == 4 else None), name, f"Week {n}"])
    sheet.merge_cells("A2:A4")  # Storage over Aiko, Bram, Tove
    sheet.merge_cells("A5:A6")  # Networking over Uma, Vera
    sheet.merge_cells("B8:C8")
    sheet["B8"] = "Rota agreed in March"  # merged across columns: one value, not one per column
    [doc] = read_xlsx("rota.xlsx", _xlsx(book))
    assert doc.text.split("\n\n")[1].split("\n") == [
        "Team: Storage; Engineer: Aiko; Week: Week 1",
        "Team: Storage; Engineer: Bram; Week: Week 2",
        "Team: Storage; Engineer: Tove; Week: Week 3",
        "Team: Networking; Engineer: Uma; Week: Week 4",
        "Team: Networking; Engineer: Vera; Week: Week 5",
        "Engineer: Rota agreed in March",
    ]


def test_xlsx_formulas_read_as_the_values_excel_calculated():
    book = openpyxl.Workbook()
    book.active.append(["Item", "Price", "Quantity", "Total"])
    book.active.append(["Ribbon", 12.5, 4, "=B2*C2"])
    data = _xlsx(book)
    # openpyxl stores no result; Excel does: write the one Excel would have cached.
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    assert b"<f>B2*C2</f><v></v>" in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(b"<f>B2*C2</f><v></v>", b"<f>B2*C2</f><v>50</v>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, part in parts.items():
            dst.writestr(name, part)
    [doc] = read_xlsx("order.xlsx", out.getvalue())
    assert doc.text.endswith("Item: Ribbon; Price: 12.5; Quantity: 4; Total: 50")


def test_xlsx_hidden_sheets_are_skipped_and_reported(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Public"
    book.active.append(["Office", "Floor"])
    book.active.append(["Oslo", "3"])
    for title, state in (("Salaries", "hidden"), ("Lookup", "veryHidden")):
        sheet = book.create_sheet(title)
        sheet.append(["Name", "Salary"])
        sheet.append(["Ada", "99000"])
        sheet.sheet_state = state
    write_zip(tmp_path / "export.zip", [("HR/offices.xlsx", _xlsx(book))])
    _, docs, failures = read_all(tmp_path / "export.zip")
    assert docs["HR/offices.xlsx"].text == "## Public\n\nOffice: Oslo; Floor: 3"
    assert [(f.file, f.reason) for f in failures] == [
        ("HR/offices.xlsx", "sheet 'Salaries' is hidden: skipped"),
        ("HR/offices.xlsx", "sheet 'Lookup' is veryHidden: skipped"),
    ]


def test_very_wide_row_goes_on_over_lines_each_led_by_its_first_value():
    header = ["Employee", *(f"Skill {n}" for n in range(1, 46))]
    row = ["Ada", *(f"level {n % 5}" for n in range(1, 46))]
    [doc] = read_csv("skills.csv", (",".join(header) + "\n" + ",".join(row) + "\n").encode())
    lines = doc.text.split("\n")
    assert len(lines) == 3
    assert all(line.startswith("Employee: Ada; Skill ") for line in lines)
    assert [line.count(": ") for line in lines] == [21, 21, 6]
    assert "; ".join(line.removeprefix("Employee: Ada; ") for line in lines) == "; ".join(
        f"{h}: {v}" for h, v in zip(header[1:], row[1:]))
