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
    data = b'name;role;notes\nAda;lead;"writes\nthe specs"\nGrace;;on call\n'
    [doc] = read_csv("people.csv", data)
    assert doc.text == "name: Ada; role: lead; notes: writes the specs\nname: Grace; notes: on call"


def test_tsv_and_bom():
    [doc] = read_csv("t.tsv", "\ufeffa\tb\n1\t2\n".encode())
    assert doc.text == "a: 1; b: 2"


def test_csv_not_utf8_is_reported():
    with pytest.raises(ReaderError, match="not UTF-8"):
        read_csv("latin.csv", "name\nJosé\n".encode("latin-1"))


def test_xlsx_that_is_html_says_so():
    with pytest.raises(ReaderError, match="not a valid xlsx: the file holds HTML"):
        read_xlsx("report.xlsx", b"<!DOCTYPE html><html><body>Sign in</body></html>")
