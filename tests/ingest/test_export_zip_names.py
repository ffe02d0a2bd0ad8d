"""Zip entry names written without the UTF-8 flag come out as their author saw them: UTF-8 when
they are UTF-8, the Info-ZIP Unicode path when the tool added one, else the code page guessed from
all of the archive's names together."""

import struct
import zlib

import pytest

from ingest.export import Export
from tests.ingest.export_builders import read_all, write_legacy_zip

CASES = [
    ("gbk", ["差旅报销.txt", "会议室.txt"]),  # Chinese Windows' built-in zip
    ("cp932", ["会議室.txt", "経費精算/出張.txt"]),  # Japanese Windows; 表 would hold a 0x5C byte
    ("cp949", ["출장 경비.txt", "회의실.txt"]),
    ("cp437", ["Café menu.txt", "Naïve Übersicht.txt"]),  # DOS / Western Windows
    ("cp866", ["Отчёт.txt", "План работ.txt"]),
    ("utf-8", ["Crème brûlée.txt", "会议室.txt"]),  # Info-ZIP on Linux and macOS: UTF-8, no flag
]


@pytest.mark.parametrize("encoding, names", CASES)
def test_legacy_entry_names_decode_as_written(tmp_path, encoding, names):
    zip_path = write_legacy_zip(tmp_path / "export.zip", [(n.encode(encoding), n.encode()) for n in names])
    _, docs, failures = read_all(zip_path)
    assert failures == []
    assert sorted(docs) == sorted(names)
    for name in names:  # each file's own text is its name: the right bytes under the right name
        assert docs[name].text == name


def test_shift_jis_name_with_a_backslash_byte_stays_one_name(tmp_path):
    name = "表計算/予定表.txt"  # 表 is 0x95 0x5C in Shift-JIS: cp437 would see "\\" and split it
    entries = [(name.encode("cp932"), b"x"), ("会議室.txt".encode("cp932"), b"y")]
    zip_path = write_legacy_zip(tmp_path / "export.zip", entries)
    with Export(zip_path) as export:
        assert sorted(f.path for f in export.files()) == sorted([name, "会議室.txt"])


def test_unicode_path_extra_field_wins(tmp_path):
    raw = "Sch?ne Gr??e.txt".encode("ascii")  # what 7-Zip stores when the code page lacks the letters
    raw = raw.replace(b"?", b"\x9a")  # a non-ASCII byte, so the name counts as legacy
    real = "Schöne Grüße.txt".encode()
    body = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + real
    extra = struct.pack("<HH", 0x7075, len(body)) + body
    zip_path = write_legacy_zip(tmp_path / "export.zip", [(raw, b"Hallo")], extras={raw: extra})
    with Export(zip_path) as export:
        assert [f.path for f in export.files()] == ["Schöne Grüße.txt"]
        assert export.read("Schöne Grüße.txt") == b"Hallo"
