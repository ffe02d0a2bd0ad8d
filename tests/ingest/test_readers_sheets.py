"""Spreadsheets and CSV: one line per row, each value under its column header."""

import pytest

from ingest.documents import ReaderError
from ingest.readers.sheets import read_csv, read_xlsx
from tests.ingest.export_builders import make_xlsx


def test_xlsx_one_section_per_sheet_rows_under_headers():
    [doc] = read_xlsx("Finance/Budget.xlsx", make_xlsx())
    assert (doc.title, doc.path, doc.kind) == ("Budget", "Finance", "xlsx")
    assert doc.text == (
        "## Budget\n\n"
        "Team: Platform; Quarter: Q1; Amount: 12000\n"
        "Team: Search; Quarter: Q2; Amount: 9500.5\n\n"
        "## Owners\n\n"
        "Service: billing-api; Owner: Grace"
    )


def test_csv_with_sniffed_delimiter_and_quoted_fields():
    data = 'name;role;notes\nAda;lead;"writes\nthe specs"\nGrace;;on call\n'.encode()
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
