"""Opening an export (a folder or a zip) as a flat list of files, safely.

Zips come from outside: entries with absolute or `..` paths, bombs (total size and compression
ratio), encrypted entries and corrupt archives are refused with a reason instead of being extracted.
A zip may hold two entries of one path (Google Drive downloads do): each is its own ExportFile,
told apart by `occurrence`. Entry names written without the zip's UTF-8 flag (Windows' built-in zip,
older tools) are read as UTF-8 when they are valid UTF-8, else from the Info-ZIP Unicode path field
when present, else in the code page guessed from all such names together (GBK, Shift-JIS, cp437...).
"""

from __future__ import annotations

import datetime as dt
import lzma
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per entry
TOO_LARGE = f"larger than {MAX_FILE_BYTES >> 20} MiB"  # the problem of a file over MAX_FILE_BYTES
SKIP_NAMES = {".DS_Store", "Thumbs.db"}
# What a damaged zip member raises while it is decompressed (bad CRC, truncated or corrupt stream,
# unsupported method, encrypted).
_EXTRACT_ERRORS = (
    zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError, zlib.error, lzma.LZMAError,
)


_UTF8_FLAG = 0x800  # general purpose bit 11: the entry's name is UTF-8


class ExportError(Exception):
    """The export as a whole cannot be opened (missing, not a folder or zip, corrupt zip)."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    path: str  # POSIX path relative to the export's root
    size: int
    mtime: float
    problem: str = ""  # set when the file must be reported instead of read
    occurrence: int = 1  # 2, 3, ... for further zip entries of the same path

    @property
    def key(self) -> str:
        """Unique within the export: the path, plus "#2", "#3" for repeated zip entries."""
        return self.path if self.occurrence == 1 else f"{self.path}#{self.occurrence}"


class Export:
    """Read access to the files of one export. Use as a context manager."""

    def __init__(self, location: str | os.PathLike[str]):
        self.location = Path(location)
        self._zip: zipfile.ZipFile | None = None
        self._by_path: dict[str, list[zipfile.ZipInfo]] | None = None
        self._names: dict[int, str] = {}  # id(ZipInfo) -> the entry's name as its author wrote it
        if not self.location.exists():
            raise ExportError(f"{self.location}: no such file or folder")
        if self.location.is_file():
            try:
                self._zip = zipfile.ZipFile(self.location)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ExportError(f"{self.location.name}: not a readable zip archive ({exc})") from None
        elif not self.location.is_dir():
            raise ExportError(f"{self.location}: neither a folder nor a zip")

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def files(self) -> Iterator[ExportFile]:
        if self._zip is not None:
            yield from self._zip_files()
        else:
            yield from self._folder_files()

    def names(self) -> set[str]:
        return {f.path for f in self.files() if not f.problem}

    def read(self, path: str, occurrence: int = 1) -> bytes:
        with self.open(path, occurrence=occurrence) as fh:
            return fh.read()

    @contextmanager
    def open(self, path: str, limit: int = MAX_FILE_BYTES, occurrence: int = 1) -> Iterator[_Limited]:
        """A stream of one file that raises ExportError on damage or once it passes `limit` bytes."""
        if self._zip is not None:
            members = self._members().get(path, [])
            if len(members) < occurrence:
                raise ExportError("no such file in the zip")
            try:
                raw = self._zip.open(members[occurrence - 1])
            except _EXTRACT_ERRORS as exc:
                raise ExportError(f"cannot extract ({exc})") from None
        else:
            full = self.location / path
            try:
                raw = full.open("rb")
            except OSError as exc:
                raise ExportError(f"cannot open ({exc.strerror or exc})") from None
        with raw:
            yield _Limited(raw, limit)

    def _members(self) -> dict[str, list[zipfile.ZipInfo]]:
        if self._by_path is None:
            assert self._zip is not None
            self._by_path = {}
            for info in self._zip.infolist():
                self._by_path.setdefault(_entry_path(self._name(info)), []).append(info)
        return self._by_path

    def _name(self, info: zipfile.ZipInfo) -> str:
        if not self._names:
            assert self._zip is not None
            self._names = entry_names(self._zip.infolist())
        return self._names[id(info)]

    def _folder_files(self) -> Iterator[ExportFile]:
        root = self.location.resolve()
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or name in SKIP_NAMES:
                    continue
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                try:
                    st = full.lstat()
                except OSError as exc:
                    yield ExportFile(rel, 0, 0.0, f"cannot stat ({exc})")
                    continue
                if stat.S_ISLNK(st.st_mode):
                    yield ExportFile(rel, 0, 0.0, "symbolic link: not followed")
                    continue
                problem = TOO_LARGE if st.st_size > MAX_FILE_BYTES else ""
                yield ExportFile(rel, st.st_size, st.st_mtime, problem)

    def _zip_files(self) -> Iterator[ExportFile]:
        assert self._zip is not None
        total = 0
        seen: dict[str, int] = {}
        try:
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExportError(f"corrupt zip ({exc})") from None
        for info in infos:
            if info.is_dir():
                continue
            name = self._name(info).replace("\\", "/")
            pure = PurePosixPath(name)
            path = _entry_path(name)
            base = pure.name
            if base.startswith(".") or base in SKIP_NAMES or name.startswith("__MACOSX/"):
                continue
            mtime = _zip_mtime(info)
            if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
                yield ExportFile(name, info.file_size, mtime, "unsafe path in zip (absolute or '..'): skipped")
                continue
            total += info.file_size
            if info.file_size > MAX_FILE_BYTES:
                problem = TOO_LARGE
            elif info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
                problem = f"compression ratio over {MAX_RATIO}: possible zip bomb"
            elif total > MAX_TOTAL_BYTES:
                problem = f"export larger than {MAX_TOTAL_BYTES // (1 << 30)} GiB uncompressed: rest skipped"
            elif info.flag_bits & 0x1:
                problem = "encrypted zip entry"
            else:
                problem = ""
            seen[path] = seen.get(path, 0) + 1
            yield ExportFile(path, info.file_size, mtime, problem, seen[path])


class _Limited:
    """Read-through stream: bounded size, and extraction errors turned into ExportError."""

    def __init__(self, raw: BinaryIO, limit: int):
        self._raw = raw
        self._limit = limit
        self._left = limit

    def read(self, size: int | None = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        try:
            data = self._raw.read(want)
        except _EXTRACT_ERRORS as exc:
            raise ExportError(f"cannot extract ({exc})") from None
        if len(data) > self._left:
            raise ExportError(f"larger than {self._limit >> 20} MiB")
        self._left -= len(data)
        return data


def _entry_path(name: str) -> str:
    return str(PurePosixPath(name.replace("\\", "/")))


def entry_names(infos: list[zipfile.ZipInfo]) -> dict[int, str]:
    """id(info) -> the entry's name as its author saw it. zipfile reads a name without the UTF-8
    flag (bit 11) as cp437; its bytes come back with .encode("cp437")."""
    # Imported here: ingest.readers imports this module.
    from ingest.readers.encoding import ZIP_NAME_PREFERENCE, guess_encoding

    names: dict[int, str] = {}
    legacy: dict[int, bytes] = {}
    for info in infos:
        if info.flag_bits & _UTF8_FLAG or info.orig_filename.isascii():
            names[id(info)] = info.filename
            continue
        raw = info.orig_filename.encode("cp437")
        unicode_path = _unicode_path_field(info.extra, raw)
        try:
            names[id(info)] = unicode_path or raw.decode("utf-8")
        except UnicodeDecodeError:
            legacy[id(info)] = raw
    # All the legacy names together: one zip tool wrote them all, in one code page.
    encoding = guess_encoding(list(legacy.values()), ZIP_NAME_PREFERENCE) if legacy else None
    for key, raw in legacy.items():
        names[key] = raw.decode(encoding or "cp437", errors="replace")
    return names


def _unicode_path_field(extra: bytes, raw: bytes) -> str:
    """The Info-ZIP Unicode Path extra field (0x7075) that 7-Zip and WinRAR add beside a legacy name;
    "" when absent, or stale (its CRC is of a name other than the one stored)."""
    i = 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, i)
        body = extra[i + 4: i + 4 + size]
        fresh = len(body) > 5 and body[0] == 1 and struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw)
        if kind == 0x7075 and fresh:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return ""
        i += 4 + size
    return ""


def _zip_mtime(info: zipfile.ZipInfo) -> float:
    try:
        return dt.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return 0.0
