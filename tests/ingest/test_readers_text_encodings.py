"""Text-like files saved in other encodings than UTF-8 are read as their authors wrote them; a file
that really is binary still fails, saying so."""

import codecs

import pytest

from ingest.documents import ReaderError
from ingest.readers.encoding import decode_text
from ingest.readers.gdocs_html import read_html
from ingest.readers.text import read_markdown, read_text

# (encoding as the writing tool saves it, text): short, as real notes and CSVs often are.
SAVED = [
    ("cp1252", "Crème brûlée costs 4,50 € at the café."),  # Excel / Notepad on Western Windows
    ("utf-16", "Notepad's \"Unicode\": Zoë in Köln, 東京"),  # UTF-16 LE with a BOM
    ("shift_jis", "会議室の予約は二時間までです。"),
    ("gbk", "差旅报销必须在十个工作日内提交。"),
    ("euc_kr", "회의실은 두 시간까지 예약할 수 있습니다."),
    ("shift_jis", "名前,部署\n田中,営業\n"),  # tiny files: the guess must still be right
    ("gbk", "姓名,部门\n张伟,销售\n"),
    ("euc_kr", "이름,부서\n김철수,영업\n"),
    ("cp1251", "Отчёт за квартал готов."),
]


@pytest.mark.parametrize("encoding, text", SAVED)
def test_text_in_legacy_encodings_reads_as_written(encoding, text):
    [doc] = read_text("notes/minutes.txt", text.encode(encoding))
    assert doc.text == text


def test_utf16_big_endian_and_utf8_bom():
    assert decode_text(codecs.BOM_UTF16_BE + "Grüße".encode("utf-16-be")) == "Grüße"
    assert decode_text(codecs.BOM_UTF8 + "Grüße".encode()) == "Grüße"


def test_markdown_in_shift_jis_takes_its_heading():
    [doc] = read_markdown("wiki/rooms.md", "# 会議室\n\n予約は二時間までです。\n".encode("shift_jis"))
    assert doc.title == "会議室" and "予約は二時間までです。" in doc.text


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_html_without_a_charset_in_another_encoding(encoding):
    page = "<html><body><h1>Menü</h1><p>Crème brûlée: 4,50 €</p></body></html>"
    [doc] = read_html("menu.html", page.encode(encoding))
    assert (doc.title, doc.text) == ("Menü", "# Menü\n\nCrème brûlée: 4,50 €")


def test_html_declaring_its_charset_is_read_in_it():
    page = '<html><head><meta charset="windows-1251"></head><body><p>Отчёт готов</p></body></html>'
    [doc] = read_html("report.html", page.encode("cp1251"))
    assert doc.text == "Отчёт готов"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),  # NUL bytes, no BOM
    b"\xff\xd8\xff\xe0" + bytes(range(1, 256)) * 8,  # no NUL early on, but no encoding reads it
])
def test_binary_file_with_a_text_extension_still_fails(data):
    with pytest.raises(ReaderError, match="binary content, not text"):
        read_text("photo.txt", data)


def test_encoding_is_judged_where_the_non_ascii_text_is():
    text = "Meeting notes\n" + "Agenda item, nothing to report.\n" * 5000 + "差旅报销必须在十个工作日内提交。\n"
    assert decode_text(text.encode("gbk")) == text
