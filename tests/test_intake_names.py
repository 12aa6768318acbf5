"""Names that are not UTF-8 in a class: zip members whose names carry the UTF-8 flag but are Latin-1 bytes
(Python's zipfile cannot even list such an archive), and student folders named in Latin-1. One hand-in's
names cost that hand-in nothing: the member is renamed with a note, the student is named from the bytes
read as Windows-1252, and nobody else is affected."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from test_intake import LAB, REFERENCE, gradable, make_zip, reference_into, reference_members

from grader.classmode.intake import discover
from grader.classmode.zipnames import open_zip


def flagged_zip(path: Path, members: dict[str, bytes | str], bad: dict[str, bytes]) -> Path:
    """A zip of ``members`` whose names in ``bad`` (placeholder -> raw bytes of the same length) are
    replaced by those bytes with the UTF-8 flag set, in the central directory and the local header, as
    a broken zip tool writes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    raw = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        local = {i.filename: i.header_offset for i in zf.infolist()}
        pos = zf.start_dir
    while raw[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack("<3H", raw[pos + 28:pos + 34])
        name = bytes(raw[pos + 46:pos + 46 + n]).decode()
        if name in bad:
            assert len(bad[name]) == n
            for flags, at in ((pos + 8, pos + 46), (local[name] + 6, local[name] + 30)):
                raw[at:at + n] = bad[name]
                raw[flags:flags + 2] = struct.pack("<H", struct.unpack("<H", raw[flags:flags + 2])[0] | 0x800)
        pos += 46 + n + m + k
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(raw))
    return path


def test_zipfile_alone_cannot_list_such_an_archive(tmp_path: Path):
    archive = flagged_zip(tmp_path / "a.zip", {**reference_members(""), "notes_X.py": "x = 1\n"},
                          {"notes_X.py": b"notes_\xff.py"})
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(archive)
    zf, renamed = open_zip(archive)
    with zf:
        assert renamed == ["notes_ÿ.py"]
        assert [i.filename for i in zf.infolist()] == [*LAB, "notes_ÿ.py"]
        assert zf.read(zf.infolist()[-1]) == b"x = 1\n" and zf.testzip() is None


def test_a_student_zip_with_a_name_that_is_not_utf8_is_graded_with_a_note(tmp_path: Path):
    cls = tmp_path / "class"
    flagged_zip(cls / "dave.zip", {**reference_members(""), "notes_X.py": "x = 1\n"}, {"notes_X.py": b"notes_\xff.py"})
    reference_into(cls / "alice")
    alice, dave = discover(cls, tmp_path / "work")
    assert gradable(alice) and gradable(dave)
    assert (dave.path / "notes_ÿ.py").read_text() == "x = 1\n"
    assert dave.notes == ("renamed 1 file(s) of the zip 'dave.zip' whose names are not valid UTF-8 although the "
                          "zip says they are (read as Windows-1252): notes_ÿ.py",)


def test_a_class_zip_with_names_that_are_not_utf8_is_graded(tmp_path: Path):
    """A bad member in bob's folder, a student folder whose own name is Latin-1, and a student zip inside."""
    inner = flagged_zip(tmp_path / "inner.zip", {**reference_members(""), "ete_X.txt": ""},
                        {"ete_X.txt": b"\xe9t\xe9_X.txt"}).read_bytes()
    members = {**reference_members("alice/"), **reference_members("bob/"), "bob/notes_X.py": "x = 1\n",
               **reference_members("ZXlodie/"), "carol.zip": inner}
    export = flagged_zip(tmp_path / "class.zip", members,
                         {"bob/notes_X.py": b"bob/notes_\xff.py",
                          **{f"ZXlodie/{n}": f"Z\xc9lodie/{n}".encode("latin-1") for n in LAB}})
    alice, bob, carol, elodie = discover(export, tmp_path / "work")
    assert all(gradable(s) for s in (alice, bob, carol, elodie))
    assert (elodie.student, elodie.slug) == ("ZÉlodie", "zelodie")
    assert bob.notes == ("renamed 1 file(s) of the class zip whose names are not valid UTF-8 although the zip "
                         "says they are (read as Windows-1252): bob/notes_ÿ.py",)
    assert elodie.notes[0].startswith("renamed 3 file(s) of the class zip") and "ZÉlodie/tp1.py" in elodie.notes[0]
    assert carol.notes == ("renamed 1 file(s) of the zip 'carol.zip' whose names are not valid UTF-8 although "
                           "the zip says they are (read as Windows-1252): été_X.txt",)


def test_a_student_folder_named_in_latin1(tmp_path: Path):
    cls = tmp_path / "class"
    reference_into(Path(os.fsdecode(bytes(cls) + b"/\xc9lodie Martin_42_assignsubmission_file_")))
    reference_into(cls / "alice")
    alice, elodie = discover(cls, tmp_path / "work")
    assert gradable(alice) and gradable(elodie)
    assert (elodie.student, elodie.lms_id, elodie.slug) == ("Élodie Martin", "42", "elodie-martin")
    assert elodie.notes == ("the name 'Élodie Martin_42_assignsubmission_file_' was not valid UTF-8: read as "
                            "Windows-1252",)


def test_a_zip_that_trips_zipfile_is_that_students_problem(tmp_path: Path):
    """The directory says the name is UTF-8 and valid, the local header holds other, invalid bytes."""
    cls = tmp_path / "class"
    archive = make_zip(cls / "eve.zip", {**reference_members("")})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        first = zf.infolist()[0]
    at = first.header_offset
    data[at + 6:at + 8] = struct.pack("<H", struct.unpack("<H", data[at + 6:at + 8])[0] | 0x800)
    data[at + 30:at + 31] = b"\xff"
    archive.write_bytes(bytes(data))
    reference_into(cls / "alice")
    alice, eve = discover(cls, tmp_path / "work")
    assert gradable(alice)
    assert eve.problem == "the zip 'eve.zip' is corrupt"
