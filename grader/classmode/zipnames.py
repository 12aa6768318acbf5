"""Open a zip whose member names are not what its headers say they are.

A member's name is bytes; the zip format's "UTF-8" flag (general purpose bit 11) says they are
UTF-8, else they are read as cp437. Some tools set the flag on names in another encoding (Latin-1,
Windows-1252: ``notes_\\xff.py``, a folder ``\\xc9lodie``), and Python's :mod:`zipfile` then
raises ``UnicodeDecodeError`` while *listing* the archive: nothing in it can be read, not even the
names of the good members. :func:`open_zip` opens such an archive anyway: it reads the central
directory itself, clears the flag on every name that is not valid UTF-8 (in the directory and in
the member's local header, through an overlay on what is read: the file on disk is only read),
lets :mod:`zipfile` read the archive through that overlay, and renames those members to their
bytes read as Windows-1252 (undefined bytes as U+FFFD).
The caller notes which members were renamed.
"""

from __future__ import annotations

import bisect
import io
import struct
import zipfile
from pathlib import Path

from grader.text import decode_name

EOCD, EOCD_SIZE = b"PK\x05\x06", 22
ZIP64_LOCATOR, ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
ZIP64_EOCD, ZIP64_EOCD_SIZE = b"PK\x06\x06", 56
CENTRAL, CENTRAL_SIZE = b"PK\x01\x02", 46
UTF8_FLAG = 0x800
MAX_COMMENT = 0xFFFF


def open_zip(archive: Path) -> tuple[zipfile.ZipFile, list[str]]:
    """``archive`` opened for reading, and the (new) names of the members renamed because their name
    was not valid UTF-8 despite the flag. Raises what :class:`zipfile.ZipFile` raises otherwise."""
    try:
        return zipfile.ZipFile(archive), []
    except UnicodeDecodeError:
        pass
    fh = open(archive, "rb")
    try:
        start, directory = _central_directory(fh)
        patched, bad = _clear_false_utf8_flags(directory)
        zf = _OverlayZipFile(_Overlay(fh, start, patched))
    except BaseException:
        fh.close()
        raise
    infos = zf.infolist()
    renamed = []
    for index, raw in bad:
        if index < len(infos):
            info = infos[index]
            zf.fp.clear_flag(info.header_offset + 6)  # the local header's flags (zipfile reads them too)
            if zf.NameToInfo.get(info.filename) is info:
                del zf.NameToInfo[info.filename]
            info.filename = decode_name(raw)[0]
            zf.NameToInfo[info.filename] = info
            renamed.append(info.filename)
    return zf, renamed


def _central_directory(fh) -> tuple[int, bytes]:
    """Where the central directory starts, and its bytes (found from the end record as zipfile does)."""
    size = fh.seek(0, io.SEEK_END)
    tail_start = max(0, size - (EOCD_SIZE + MAX_COMMENT))
    fh.seek(tail_start)
    tail = fh.read()
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        raise zipfile.BadZipFile("no end of central directory record")
    cd_size = struct.unpack("<L", tail[at + 12:at + 16])[0]
    end = tail_start + at
    if at >= ZIP64_LOCATOR_SIZE and tail[at - ZIP64_LOCATOR_SIZE:at - ZIP64_LOCATOR_SIZE + 4] == ZIP64_LOCATOR:
        fh.seek(end - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE)
        record = fh.read(ZIP64_EOCD_SIZE)
        if len(record) == ZIP64_EOCD_SIZE and record[:4] == ZIP64_EOCD:
            cd_size = struct.unpack("<Q", record[40:48])[0]
            end -= ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE
    start = end - cd_size  # (zipfile: offset + concatenated prefix = the same place)
    if start < 0:
        raise zipfile.BadZipFile("the central directory does not fit in the file")
    fh.seek(start)
    return start, fh.read(cd_size)


def _clear_false_utf8_flags(directory: bytes) -> tuple[bytes, list[tuple[int, bytes]]]:
    """The directory with the UTF-8 flag cleared on names that are not UTF-8; ``(index, raw name)`` of those."""
    data = bytearray(directory)
    bad: list[tuple[int, bytes]] = []
    pos, index = 0, 0
    while pos + CENTRAL_SIZE <= len(data) and data[pos:pos + 4] == CENTRAL:
        flags = struct.unpack("<H", data[pos + 8:pos + 10])[0]
        n, m, k = struct.unpack("<3H", data[pos + 28:pos + 34])
        raw = bytes(data[pos + CENTRAL_SIZE:pos + CENTRAL_SIZE + n])
        if flags & UTF8_FLAG:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                data[pos + 8:pos + 10] = struct.pack("<H", flags & ~UTF8_FLAG)
                bad.append((index, raw))
        pos += CENTRAL_SIZE + n + m + k
        index += 1
    return bytes(data), bad


class _OverlayZipFile(zipfile.ZipFile):
    """A zip read through an :class:`_Overlay`, which it closes with itself (zipfile leaves a file
    object it was given open)."""

    def close(self) -> None:
        overlay = self.fp
        try:
            super().close()
        finally:
            if overlay is not None:
                overlay.close()


class _Overlay(io.RawIOBase):
    """A read-only file whose bytes at some offsets are patched: the central directory, given at
    ``start``, and local headers' flags (:meth:`clear_flag`)."""

    def __init__(self, fh, start: int, patch: bytes):
        self._fh = fh
        self._directory = (start, patch)
        self._flags: list[tuple[int, bytes]] = []  # sorted by offset (a zip may have thousands)
        self.name = getattr(fh, "name", None)

    def clear_flag(self, offset: int) -> None:
        """Clear the UTF-8 flag in the two bytes of flags at ``offset``."""
        pos = self._fh.tell()
        self._fh.seek(offset)
        raw = self._fh.read(2)
        self._fh.seek(pos)
        if len(raw) == 2:
            bisect.insort(self._flags, (offset, struct.pack("<H", struct.unpack("<H", raw)[0] & ~UTF8_FLAG)))

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def read(self, size: int = -1) -> bytes:
        pos = self._fh.tell()
        data = self._fh.read(size)
        patches = [self._directory]
        i = bisect.bisect_left(self._flags, (pos - 1, b""))
        while i < len(self._flags) and self._flags[i][0] < pos + len(data):
            patches.append(self._flags[i])
            i += 1
        out = None
        for start, patch in patches:
            lo, hi = max(pos, start), min(pos + len(data), start + len(patch))
            if lo < hi:
                out = out if out is not None else bytearray(data)
                out[lo - pos:hi - pos] = patch[lo - start:hi - start]
        return data if out is None else bytes(out)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._fh.close()
        super().close()
