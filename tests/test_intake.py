"""Class intake: finding every student's submission in a class folder, a Moodle export or a zip."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from grader.classmode import intake
from grader.classmode.intake import IntakeError, Submission, discover, is_single_submission

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
LAB = ("tp1.py", "tp1_descente.py", "tp1_autograd.py")
MOODLE = "_assignsubmission_file_"


def reference_into(folder: Path, *, tp1_name: str = "tp1.py") -> Path:
    """A copy of the reference's lab files in ``folder`` (created); ``tp1.py`` possibly renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in LAB:
        shutil.copyfile(REFERENCE / name, folder / (tp1_name if name == "tp1.py" else name))
    return folder


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_zip(path: Path, members: dict[str, bytes | str], symlinks: dict[str, str] | None = None) -> Path:
    """A zip holding ``members`` (name → content) and ``symlinks`` (name → link target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def reference_members(prefix: str) -> dict[str, bytes]:
    return {prefix + name: (REFERENCE / name).read_bytes() for name in LAB}


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    """Zip every file under ``folder`` as ``prefix + relative path``."""
    files = {prefix + p.relative_to(folder).as_posix(): p.read_bytes()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    return make_zip(archive, files)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def by_slug(submissions: list[Submission]) -> dict[str, Submission]:
    return {s.slug: s for s in submissions}


def gradable(sub: Submission) -> bool:
    return sub.problem is None and all((sub.path / name).is_file() for name in LAB) and \
        sub.path.is_relative_to(sub.handin)


@pytest.fixture
def plain_class(tmp_path: Path) -> Path:
    """alice (files directly), bob (nested TP1/), carol (no tp1.py), plus things to ignore."""
    cls = tmp_path / "class"
    reference_into(cls / "alice")
    reference_into(cls / "bob" / "TP1")
    write(cls / "bob" / "README.md")
    write(cls / "carol" / "a.txt")
    write(cls / "carol" / "notes.pdf")
    write(cls / "carol" / ".DS_Store")
    write(cls / "__MACOSX" / "alice" / "._tp1.py")
    write(cls / ".git" / "HEAD")
    write(cls / "grader-reports" / "alice.json")
    write(cls / "grades.csv")
    return cls


def test_plain_class_folder(plain_class: Path, tmp_path: Path):
    subs = discover(plain_class, tmp_path / "work")
    assert [(s.student, s.slug, s.lms_id) for s in subs] == [
        ("alice", "alice", None), ("bob", "bob", None), ("carol", "carol", None)]
    alice, bob, carol = subs
    assert alice.path == plain_class / "alice" and alice.problem is None and alice.notes == ()
    assert bob.path == plain_class / "bob" / "TP1" and gradable(bob)
    assert carol.path == plain_class / "carol"
    assert carol.problem == "no tp1.py found (files: a.txt, notes.pdf)"


def test_moodle_names_with_accents_and_ids(tmp_path: Path):
    cls = tmp_path / "export"
    reference_into(cls / f"Élodie D'Arc-Dupont_123456{MOODLE}")
    reference_into(cls / f"Jean_Pierre Lefèvre 2_98{MOODLE}")
    subs = discover(cls, tmp_path / "work")
    assert [(s.student, s.slug, s.lms_id, s.problem) for s in subs] == [
        ("Élodie D'Arc-Dupont", "elodie-d-arc-dupont", "123456", None),
        ("Jean_Pierre Lefèvre 2", "jean_pierre-lefevre-2", "98", None)]
    assert subs[0].path == cls / f"Élodie D'Arc-Dupont_123456{MOODLE}"


def test_moodle_student_who_submitted_a_zip(tmp_path: Path):
    cls = tmp_path / "export"
    folder = cls / f"Amal Ben Salah_4242{MOODLE}"
    make_zip(folder / "TP1_BenSalah.zip", {**reference_members("amal-tp1/src/"), "amal-tp1/rapport.txt": "r"})
    reference_into(cls / f"Zoé Roux_7{MOODLE}")
    before = snapshot(cls)
    work = tmp_path / "work"
    amal, zoe = discover(cls, work)
    assert (amal.student, amal.slug, amal.lms_id, amal.problem) == ("Amal Ben Salah", "amal-ben-salah", "4242", None)
    assert amal.path == work / "students" / "amal-ben-salah" / "zips" / "1-TP1_BenSalah" / "amal-tp1" / "src"
    assert gradable(amal)
    assert zoe.slug == "zoe-roux" and zoe.path == cls / f"Zoé Roux_7{MOODLE}"
    assert snapshot(cls) == before  # the export is only read


def test_shallowest_tp1_wins_and_ties_take_the_first(tmp_path: Path):
    cls = tmp_path / "class"
    reference_into(cls / "dan" / "final")
    reference_into(cls / "dan" / "old" / "v1")
    reference_into(cls / "eve" / "b")
    reference_into(cls / "eve" / "a")
    write(cls / "eve" / ".hidden" / "tp1.py")
    write(cls / "eve" / "__MACOSX" / "tp1.py")
    dan, eve = discover(cls, tmp_path / "work")
    assert dan.path == cls / "dan" / "final" and dan.notes == ()
    assert eve.path == cls / "eve" / "a" and eve.problem is None
    assert eve.notes == ("2 tp1.py at the same depth; graded a/tp1.py",)


def test_tp1_with_another_case_is_found_and_graded_under_the_lab_name(tmp_path: Path):
    """The student's folder is only read: the student process's copy gets tp1.py too (grader.handin.copy)."""
    from grader.handin import copy_handin
    from grader.i18n import render

    cls = tmp_path / "class"
    reference_into(cls / "fred" / "Src", tp1_name="TP1.py")
    (fred,) = discover(cls, tmp_path / "work")
    assert fred.problem is None and fred.path == cls / "fred" / "Src" and fred.handin == cls / "fred"
    copied = copy_handin(fred.path, tmp_path / "copy")
    assert (tmp_path / "copy" / "tp1.py").read_bytes() == (REFERENCE / "tp1.py").read_bytes()
    assert (tmp_path / "copy" / "TP1.py").is_file()  # kept for the student's own `from TP1 import ...`
    assert [render(n) for n in copied.notes] == ["graded TP1.py as tp1.py"]
    assert sorted(p.name for p in (cls / "fred" / "Src").iterdir()) == ["TP1.py", "tp1_autograd.py", "tp1_descente.py"]


@pytest.mark.parametrize("wrapper", ["", "TP1 - all submissions/"])
def test_whole_class_as_a_zip(plain_class: Path, tmp_path: Path, wrapper: str):
    archive = zip_folder(plain_class, tmp_path / "class.zip", prefix=wrapper)
    work = tmp_path / "work"
    subs = discover(archive, work)
    root = work / "class" / wrapper.rstrip("/") if wrapper else work / "class"
    assert [(s.slug, s.path, s.problem) for s in subs] == [
        ("alice", root / "alice", None), ("bob", root / "bob" / "TP1", None),
        ("carol", root / "carol", "no tp1.py found (files: a.txt, notes.pdf)")]
    assert gradable(subs[0]) and gradable(subs[1])


def test_top_level_zips_are_students(tmp_path: Path):
    cls = tmp_path / "class"
    make_zip(cls / "gaston.zip", reference_members("tp1/"))
    make_zip(cls / "hugo.zip", {"readme.txt": "I forgot", "tp1.rar": "rar"})
    make_zip(cls / "ines.zip", {})
    work = tmp_path / "work"
    gaston, hugo, ines = discover(cls, work)
    assert gaston.student == "gaston" and gaston.path == work / "students" / "gaston" / "zips" / "1-gaston" / "tp1"
    assert gradable(gaston)
    assert hugo.problem == ("no tp1.py found (files: hugo.zip/readme.txt, hugo.zip/tp1.rar); "
                            "only .zip archives are opened")
    assert ines.problem == "no tp1.py found (the folder is empty)"


def test_duplicate_moodle_folders_are_merged(tmp_path: Path):
    cls = tmp_path / "export"
    write(cls / f"Li Wei_55{MOODLE}" / "rapport.pdf")
    reference_into(cls / "Li Wei_55_assignsubmission_onlinetext_")
    write(cls / f"Li Wei_56{MOODLE}" / "notes.txt")  # a homonym: another participant
    subs = discover(cls, tmp_path / "work")
    # Homonyms: each report is named with the participant id (issue 16.2), not "li-wei" and "li-wei-2".
    assert [(s.student, s.slug, s.lms_id) for s in subs] == [("Li Wei", "li-wei-55", "55"), ("Li Wei", "li-wei-56", "56")]
    assert subs[0].path == cls / "Li Wei_55_assignsubmission_onlinetext_" and subs[0].problem is None
    assert subs[0].notes == (f"merged 2 entries: Li Wei_55{MOODLE}, Li Wei_55_assignsubmission_onlinetext_",)
    assert subs[1].problem == "no tp1.py found (files: notes.txt)"


def test_merged_moodle_folders_without_tp1_list_every_file(tmp_path: Path):
    cls = tmp_path / "export"
    write(cls / f"Li Wei_55{MOODLE}" / "rapport.pdf")
    write(cls / "Li Wei_55_assignsubmission_onlinetext_" / "onlinetext.html")
    (li,) = discover(cls, tmp_path / "work")
    assert li.path == cls / f"Li Wei_55{MOODLE}"
    assert li.problem == "no tp1.py found (files: rapport.pdf, onlinetext.html)"


def test_slug_collisions_are_numbered_deterministically(tmp_path: Path):
    cls = tmp_path / "class"
    for name in ("alice", "Alice", "ALICE!", "alice-2", "Émile", "Emile", "王伟"):
        reference_into(cls / name)
    first = discover(cls, tmp_path / "work1")
    assert [(s.student, s.slug) for s in first] == [
        ("alice", "alice"), ("alice-2", "alice-2"), ("ALICE!", "alice-3"), ("Alice", "alice-4"),
        ("Emile", "emile"), ("Émile", "emile-2"), ("王伟", "student")]
    again = discover(cls, tmp_path / "work2")
    assert [(s.student, s.slug, s.path) for s in again] == [(s.student, s.slug, s.path) for s in first]
    assert discover(cls, tmp_path / "work1") == first


def test_folder_and_zip_of_the_same_name_are_one_student(tmp_path: Path):
    cls = tmp_path / "class"
    reference_into(cls / "jade")
    make_zip(cls / "jade.zip", reference_members(""))
    (jade,) = discover(cls, tmp_path / "work")
    assert jade.path == cls / "jade" and jade.notes == ("merged 2 entries: jade, jade.zip",)


def test_zip_slip_and_symlink_members_are_skipped(tmp_path: Path):
    cls = tmp_path / "class" / "inside"
    members = {**reference_members("tp1/"), "../../evil.py": "pwned", "/tmp/abs_evil.py": "pwned",
               "tp1/..\\..\\win_evil.py": "pwned", "C:/drive_evil.py": "pwned"}
    make_zip(cls / "kim" / "kim.zip", members, symlinks={"tp1/link_evil": "/etc/passwd"})
    work = tmp_path / "deep" / "work"
    (kim,) = discover(cls, work)
    assert gradable(kim)
    assert kim.notes == ("skipped 5 unsafe member(s) of the zip 'kim.zip' (absolute path, '..' or symbolic link)",)
    evil = [p for p in tmp_path.rglob("*") if "evil" in p.name]
    assert evil == [] and not Path("/tmp/abs_evil.py").exists()
    assert sorted(p.name for p in kim.path.iterdir()) == sorted(LAB)


def test_oversized_and_corrupt_zips_are_that_students_problem(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_STUDENT_BYTES", 200_000)
    monkeypatch.setattr(intake, "MAX_STUDENT_MEMBERS", 50)
    cls = tmp_path / "class"
    make_zip(cls / "big" / "tp1.zip", {**reference_members(""), "data.bin": b"\0" * 300_000})
    make_zip(cls / "many" / "tp1.zip", {**reference_members(""), **{f"f{i}.txt": "" for i in range(60)}})
    write(cls / "broken" / "x.zip", "this is not a zip")
    write(cls / "broken" / "notes.txt")
    reference_into(cls / "ok")
    big, broken, many, ok = discover(cls, tmp_path / "work")
    assert big.problem == "the zip 'tp1.zip' is too large once extracted (limit 0.190735 MB)"
    assert broken.problem == "the zip 'x.zip' is corrupt" and broken.path == cls / "broken"
    assert many.problem == "the zip 'tp1.zip' has too many files (63; limit 50)"
    assert gradable(ok)


def test_a_zip_whose_headers_lie_about_sizes_is_stopped(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_STUDENT_BYTES", 2**20)
    archive = make_zip(tmp_path / "class" / "liar" / "l.zip", {"tp1.py": b"\0" * (3 * 2**20)})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.infolist()[0]
    declared = (3 * 2**20).to_bytes(4, "little")
    for at in (i for i in range(len(data)) if data[i:i + 4] == declared):
        data[at:at + 4] = (10).to_bytes(4, "little")  # uncompressed size: 10 bytes, in both headers
    archive.write_bytes(bytes(data))
    assert info.file_size == 3 * 2**20
    (liar,) = discover(tmp_path / "class", tmp_path / "work")
    assert liar.problem == "the zip 'l.zip' is corrupt"
    assert all(p.stat().st_size <= 2**20 for p in (tmp_path / "work").rglob("*") if p.is_file())


def test_a_corrupt_zip_beside_a_good_one_is_noted(tmp_path: Path):
    cls = tmp_path / "class"
    write(cls / "lea" / "a_old.zip", "garbage")
    make_zip(cls / "lea" / "b_final.zip", reference_members("TP1/"))
    (lea,) = discover(cls, tmp_path / "work")
    assert lea.problem is None and lea.path.name == "TP1" and gradable(lea)
    assert lea.notes == ("the zip 'a_old.zip' is corrupt",)


def test_is_single_submission(plain_class: Path, tmp_path: Path):
    assert is_single_submission(REFERENCE)
    assert is_single_submission(plain_class / "bob")  # nested TP1/tp1.py
    assert not is_single_submission(plain_class)  # alice/tp1.py and bob/TP1/tp1.py
    moodle = tmp_path / "moodle"
    reference_into(moodle / f"Zoé Roux_7{MOODLE}")
    assert not is_single_submission(moodle)  # a one-student Moodle export is still a class
    assert not is_single_submission(zip_folder(plain_class, tmp_path / "class.zip"))
    assert not is_single_submission(tmp_path / "nowhere")


def test_unusable_class_sources(tmp_path: Path):
    with pytest.raises(IntakeError, match="no such file or folder: .*nowhere"):
        discover(tmp_path / "nowhere", tmp_path / "work")
    with pytest.raises(IntakeError, match="neither a folder nor a .zip"):
        discover(write(tmp_path / "list.txt"), tmp_path / "work")
    with pytest.raises(IntakeError, match=r"cannot open the class archive .*bad\.zip: the zip 'bad.zip' is corrupt"):
        discover(write(tmp_path / "bad.zip", "nope"), tmp_path / "work")
    empty = tmp_path / "empty"
    write(empty / "__MACOSX" / "x")
    write(empty / ".hidden" / "tp1.py")
    write(empty / "grades.csv")
    with pytest.raises(IntakeError, match="no student submissions in .*empty"):
        discover(empty, tmp_path / "work")
    with pytest.raises(IntakeError, match="without 'Download submissions in folders'"):
        discover(write(tmp_path / "flat" / f"Zoé Roux_7{MOODLE}tp1.py").parent, tmp_path / "work")
    with pytest.raises(IntakeError, match="no student submissions .*grade it as a single submission"):
        discover(REFERENCE, tmp_path / "work")


def test_workdir_inside_the_class_is_refused_unless_ignored(plain_class: Path):
    with pytest.raises(IntakeError, match="is inside the class folder"):
        discover(plain_class, plain_class / "work")
    subs = discover(plain_class, plain_class / "grader-reports" / ".work")
    assert [s.slug for s in subs] == ["alice", "bob", "carol"]


def test_moodle_export_zip_with_a_student_zip_inside(tmp_path: Path):
    inner = make_zip(tmp_path / "inner.zip", reference_members("")).read_bytes()
    export = make_zip(tmp_path / "TP1-20261124.zip", {
        f"Élodie D'Arc-Dupont_123456{MOODLE}/TP1.zip": inner,
        f"Bruno Roy_77{MOODLE}/tp1.py": "", "__MACOSX/._x": ""})
    work = tmp_path / "work"
    bruno, elodie = discover(export, work)
    assert (bruno.student, bruno.path) == ("Bruno Roy", work / "class" / f"Bruno Roy_77{MOODLE}")
    assert (elodie.student, elodie.lms_id, elodie.slug) == ("Élodie D'Arc-Dupont", "123456", "elodie-d-arc-dupont")
    assert elodie.path == work / "students" / "elodie-d-arc-dupont" / "zips" / "1-TP1" and gradable(elodie)


def test_links_among_the_class_entries_are_not_followed(tmp_path: Path):
    """A student's trick (a link to the reference) cannot be told from a teacher's shortcut: neither is followed."""
    import os

    cls = tmp_path / "class"
    reference_into(cls / "alice")
    os.symlink(REFERENCE, cls / "mallory")
    os.symlink(REFERENCE / "tp1.py", cls / "mallory.zip")
    assert [s.slug for s in discover(cls, tmp_path / "work")] == ["alice"]
    links = tmp_path / "links"
    links.mkdir()
    os.symlink(cls / "alice", links / "alice")
    with pytest.raises(IntakeError, match="symbolic links are not followed"):
        discover(links, tmp_path / "work")


def test_a_students_tp1_py_that_is_a_folder_is_their_problem(tmp_path: Path):
    cls = tmp_path / "class"
    reference_into(cls / "mallory" / "tp1.py" / "inner")
    reference_into(cls / "alice")
    alice, mallory = discover(cls, tmp_path / "work")
    assert alice.problem is None and mallory.problem == f"{cls / 'mallory' / 'tp1.py'} is a folder, not a file: " \
                                                        "hand in the file tp1.py itself"
