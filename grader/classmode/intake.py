"""Find every student's submission in a class folder or an LMS export (``grader check CLASS``).

A class is a folder, or a ``.zip`` of one (a single wrapping folder is unwrapped), with one entry
per student: a sub-folder, or a ``.zip`` directly in it (student = the zip's stem); symbolic links
among them are not followed (a student's trick cannot be told from a teacher's shortcut). Moodle folders
(``Firstname Lastname_<id>_assignsubmission_<plugin>_``) give the name and participant id; one
student's several Moodle folders, or a folder and a zip of the same name, are merged. The folder to
grade is found by the rule of a single hand-in (:func:`grader.handin.locate`: the shallowest ``tp1.py``,
any case, first in sorted order at equal depth), in the student's folders, then in their zips extracted
into ``workdir`` (one level). Student archives are untrusted: unsafe members are skipped, sizes are
capped, and a bad zip is the student's ``problem``, never an exception. Everything is written under
``workdir``; ``source`` is only read.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from grader.classmode.zipnames import open_zip
from grader.handin import MOODLE, NotASubmission, is_single, locate
from grader.i18n import render
from grader.text import os_name

IGNORED_DIRS = frozenset({"__MACOSX", "__pycache__", "grader-reports"})
OTHER_ARCHIVES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
MAX_STUDENT_BYTES = 50 * 2**20
MAX_STUDENT_MEMBERS = 2_000
MAX_STUDENT_ZIPS = 10
MAX_CLASS_BYTES = 4 * 2**30
MAX_CLASS_MEMBERS = 200_000
MAX_LISTED_FILES = 10
MOODLE_FILE = re.compile(r"_\d+_assignsubmission_[a-z]+_")
TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class Submission:
    """One student's hand-in, ready to grade (``problem is None``) or not (``problem`` says why)."""

    student: str  # display name: the folder name or zip stem, or Moodle's "Firstname Lastname"
    slug: str  # unique, file-safe (lowercase ascii letters, digits, '-', '_', '.'): the report's name
    path: Path  # the folder holding tp1.py; else the student's own folder (or their zip)
    lms_id: str | None  # Moodle's participant id, else None
    problem: str | None  # None, or why there is nothing to grade
    notes: tuple[str, ...] = ()  # what intake did that a teacher may want to know (merges, zips...)
    handin: Path | None = None  # what is graded: the student's folder (or extracted zip) holding ``path``
    origin: str | None = None  # ``path`` as the teacher knows it: inside the class zip and the student's zips
    # (``export.zip/Jean Dupont_123_assignsubmission_file_/rendu.zip/tp1``), never a temporary folder

    @property
    def where(self) -> str:
        """What a report calls the hand-in: :attr:`origin`, else :attr:`path`."""
        return self.origin or str(self.path)


class IntakeError(Exception):
    """The class source itself is unusable: no such path, not a folder or zip, corrupt zip, no students."""


class _ArchiveProblem(Exception):
    """A zip that cannot or should not be extracted; the message names it."""


@dataclass
class _Budget:
    """What is left of the members and bytes an archive (or a student's archives) may extract."""

    max_bytes: int
    max_members: int
    bytes_used: int = 0
    members_used: int = 0


@dataclass(frozen=True)
class _Entry:
    """One student as found in the class: one or several folders or zips, in sorted order."""

    student: str
    lms_id: str | None
    sources: tuple[Path, ...]
    notes: tuple[str, ...] = ()


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in IGNORED_DIRS


def is_single_submission(path: Path) -> bool:
    """True when ``path`` is one hand-in rather than a class: :func:`grader.handin.is_single`."""
    return is_single(path)


def discover(source: Path, workdir: Path, keep: Callable[[str], bool] = lambda slug: True) -> list[Submission]:
    """Every student's submission in ``source`` (a class folder or a ``.zip`` of one), sorted by slug.

    ``keep(slug)`` picks students before their archives are extracted (a shard unpacks only its own).

    Archives are extracted under ``workdir`` (created if needed; its ``class/`` and
    ``students/<slug>/`` sub-folders are replaced). Raises :class:`IntakeError` when the class
    itself is unusable; a student's own trouble is their :attr:`Submission.problem`."""
    root, renamed = _class_root(Path(source), Path(workdir))
    entries = _entries(root)
    if not entries:
        raise IntakeError(_empty_class_message(root))
    entries.sort(key=lambda e: (_base_slug(e), e.student != _base_slug(e), e.student, e.lms_id or "",
                                [str(p) for p in e.sources]))  # "alice" keeps "alice" before "Alice" does
    slugs = _unique_slugs(_homonym_slugs(entries))
    students = Path(workdir) / "students"
    places = {root: str(source)} if root == Path(source) else {Path(workdir) / "class": str(source)}
    return sorted((_resolve(e, s, students / s, renamed, places) for e, s in zip(entries, slugs) if keep(s)),
                  key=lambda s: s.slug)


def _homonym_slugs(entries: list[_Entry]) -> list[str]:
    """Base slugs, where students of the same name told apart by their LMS id get it in theirs
    (``jean-dupont-123456``, ``jean-dupont-999999``): the report's file says which one it is."""
    bases = [_base_slug(e) for e in entries]
    shared = {b for b in bases if bases.count(b) > 1}
    return [f"{b}-{e.lms_id}" if b in shared and e.lms_id and not b.endswith(e.lms_id) else b
            for b, e in zip(bases, entries)]


def _origin(path: Path, places: dict[Path, str]) -> str:
    """``path`` named from the place it was extracted from (the longest match of ``places``), else itself."""
    for folder in sorted(places, key=lambda p: len(p.parts), reverse=True):
        if path == folder or path.is_relative_to(folder):
            rel = path.relative_to(folder).as_posix()
            return places[folder] if rel == "." else f"{places[folder]}/{rel}"
    return str(path)


def _class_root(source: Path, workdir: Path) -> tuple[Path, list[Path]]:
    """The folder whose entries are the students: ``source``, or where its zip was extracted; and the files
    of that zip renamed because their names were not UTF-8."""
    if not source.exists():
        raise IntakeError(f"no such file or folder: {source}")
    if source.is_dir():
        _check_workdir(source, workdir)
        return source, []
    if source.suffix.lower() != ".zip":
        raise IntakeError(f"{source} is neither a folder nor a .zip file")
    dest = workdir / "class"
    if dest.exists():
        shutil.rmtree(dest)
    try:
        _, renamed = _extract(source, dest, _Budget(MAX_CLASS_BYTES, MAX_CLASS_MEMBERS))
    except _ArchiveProblem as e:
        raise IntakeError(f"cannot open the class archive {source}: {e}") from None
    children = [p for p in dest.iterdir() if not _ignored(p.name)]
    if len(children) == 1 and children[0].is_dir() and not MOODLE.fullmatch(children[0].name) \
            and not any(p.name.lower() == "tp1.py" for p in children[0].iterdir()):
        return children[0], renamed  # a single folder wrapping the whole class
    return dest, renamed


def _check_workdir(source: Path, workdir: Path) -> None:
    """Refuse a work folder inside the class folder (it would be a student), except in an ignored folder."""
    work, src = workdir.resolve(), source.resolve()
    if work.is_relative_to(src) and (work == src or not _ignored(work.relative_to(src).parts[0])):
        raise IntakeError(f"the work folder {workdir} is inside the class folder {source}")


def _entries(root: Path) -> list[_Entry]:
    """The students of the class folder ``root``: sub-folders and zips, Moodle folders merged by id.

    A name that is not UTF-8 (a folder made by a tool writing Latin-1) is read as Windows-1252 for the
    student's name, with a note; the folder keeps its name on disk."""
    groups: dict[str, tuple[str, str | None, list[Path], list[str]]] = {}
    for path in sorted(root.iterdir()):
        is_zip = path.is_file() and path.suffix.lower() == ".zip"
        if _ignored(path.name) or path.is_symlink() or not (is_zip or path.is_dir()):
            continue
        display, utf8 = os_name(path.stem if is_zip else path.name)
        name = unicodedata.normalize("NFC", display)
        match = MOODLE.fullmatch(name)
        student, lms_id = (match["name"].strip(), match["id"]) if match else (name, None)
        key = f"moodle:{lms_id}" if lms_id else f"name:{student}"
        group = groups.setdefault(key, (student, lms_id, [], []))
        group[2].append(path)
        if not utf8:
            group[3].append(f"the name '{display}' was not valid UTF-8: read as Windows-1252")
    return [_Entry(student, lms_id, tuple(paths), tuple(notes)) for student, lms_id, paths, notes in groups.values()]


def _empty_class_message(root: Path) -> str:
    message = f"no student submissions in {root}: expected one sub-folder or .zip file per student"
    names = [p.name for p in root.iterdir()]
    if any(name.lower() == "tp1.py" for name in names):
        message += " (it holds tp1.py itself: grade it as a single submission)"
    elif any(p.is_symlink() for p in root.iterdir()):
        message += " (symbolic links are not followed: name each student's folder, or copy them)"
    elif any(MOODLE_FILE.search(name) for name in names):
        message += " (these look like Moodle files downloaded without 'Download submissions in folders')"
    return message


def _base_slug(entry: _Entry) -> str:
    """The file-safe form of the student's name: ascii, lowercase, runs of other characters as '-'."""
    text = unicodedata.normalize("NFKD", entry.student.translate(TRANSLIT)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._").lower()[:80].rstrip("-._")
    return slug or (f"student-{entry.lms_id}" if entry.lms_id else "student")


def _unique_slugs(bases: list[str]) -> list[str]:
    """``bases`` (in a deterministic order) made unique: later duplicates get -2, -3... (never a taken name)."""
    used, seen, slugs = set(bases), set(), []
    for base in bases:
        slug = next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in used) if base in seen else base
        seen.add(base)
        used.add(slug)
        slugs.append(slug)
    return slugs


def _resolve(entry: _Entry, slug: str, work: Path, class_renamed: Sequence[Path] = (),
             places: dict[Path, str] | None = None) -> Submission:
    """The student's folder to grade, extracting their zips into ``work`` when their folders hold no tp1.py.
    ``class_renamed``: files of the class zip renamed on extraction (those of this student get a note);
    ``places``: extracted folder -> how to name it (grows with the student's zips)."""
    places = dict(places or {})
    if work.exists():
        shutil.rmtree(work)
    folders = [(p, "") for p in entry.sources if p.is_dir()]
    notes = list(entry.notes)
    notes += [f"merged {len(entry.sources)} entries: {', '.join(p.name for p in entry.sources)}"] \
        if len(entry.sources) > 1 else []
    for source in entry.sources:
        mine = [p for p in class_renamed if p == source or p.is_relative_to(source)]
        if mine:
            notes.append(_renamed_note(mine, source.parent, "the class zip"))
    problems: list[str] = []
    found = _locate_first(folders, problems)
    if found is None:
        extracted = _extract_all(entry, work, problems, notes, places)
        folders += extracted
        found = _locate_first(extracted, problems)
    if found is None:
        own = folders[0][0] if folders else entry.sources[0]
        problem = "; ".join(dict.fromkeys(problems)) or _no_tp1(folders)
        return Submission(entry.student, slug, own, entry.lms_id, problem, tuple(notes), origin=_origin(own, places))
    handin, located = found
    note = located.note(handin)
    notes += list(dict.fromkeys(problems)) + ([render(note)] if note else [])
    return Submission(entry.student, slug, located.root, entry.lms_id, None, tuple(notes), handin,
                      _origin(located.root, places))


def _locate_first(folders: list[tuple[Path, str]], problems: list[str]):
    """``(folder, Located)`` for the first folder holding a tp1.py; a tp1.py that is not a file is a problem."""
    for folder, _ in folders:
        try:
            return folder, locate(folder)
        except NotASubmission as exc:
            if exc.msg.key.startswith("handin.tp1_"):
                problems.append(str(exc))
    return None


def _files(top: Path) -> list[Path]:
    """Regular files under ``top`` (no symlinks, hidden files, ``__MACOSX``...), sorted by path parts."""
    found = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not _ignored(d)]
        found += [Path(folder, f) for f in files if not f.startswith(".") and not os.path.islink(Path(folder, f))]
    return sorted(found, key=lambda p: p.relative_to(top).parts)


def _extract_all(entry: _Entry, work: Path, problems: list[str], notes: list[str],
                 places: dict[Path, str]) -> list[tuple[Path, str]]:
    """Extract the student's zips (their own, or those in their folders) into ``work``; (folder, label) each.
    Each extracted folder is added to ``places``, named after its zip."""
    zips = [p for p in entry.sources if p.is_file()]
    for folder in (p for p in entry.sources if p.is_dir()):
        zips += [p for p in _files(folder) if p.suffix.lower() == ".zip"]
    if len(zips) > MAX_STUDENT_ZIPS:
        notes.append(f"only the first {MAX_STUDENT_ZIPS} of {len(zips)} zips were opened")
        zips = zips[:MAX_STUDENT_ZIPS]
    budget = _Budget(MAX_STUDENT_BYTES, MAX_STUDENT_MEMBERS)
    extracted = []
    for i, archive in enumerate(zips, 1):
        dest = work / "zips" / f"{i}-{re.sub(r'[^A-Za-z0-9._-]+', '-', archive.stem).strip('.') or 'zip'}"
        try:
            skipped, renamed = _extract(archive, dest, budget)
        except _ArchiveProblem as e:
            problems.append(str(e))
            continue
        if skipped:
            notes.append(f"skipped {skipped} unsafe member(s) of the zip '{archive.name}' "
                         "(absolute path, '..' or symbolic link)")
        if renamed:
            notes.append(_renamed_note(renamed, dest, f"the zip '{archive.name}'"))
        extracted.append((dest, f"{archive.name}/"))
        places[dest] = _origin(archive, places)
    return extracted


def _extract(archive: Path, dest: Path, budget: _Budget) -> tuple[int, list[Path]]:
    """Extract ``archive`` into ``dest`` within ``budget``, skipping unsafe members: how many were skipped,
    and where the members renamed because their names were not UTF-8 (:mod:`.zipnames`) went."""
    label = f"the zip '{archive.name}'"
    try:
        zf, renamed = open_zip(archive)
        with zf:
            infos = zf.infolist()
            budget.members_used += len(infos)
            if budget.members_used > budget.max_members:
                raise _ArchiveProblem(f"{label} has too many files ({budget.members_used}; "
                                      f"limit {budget.max_members})")
            if budget.bytes_used + sum(i.file_size for i in infos) > budget.max_bytes:
                raise _ArchiveProblem(_too_large(label, budget))
            dest.mkdir(parents=True, exist_ok=True)
            targets = [(info, _member_target(info, dest)) for info in infos]
            for info, target in targets:
                if target is not None and not info.is_dir():  # folders are made for the files they hold
                    _write_member(zf, info, target, dest.resolve(), budget, label)
            skipped = sum(t is None and not i.filename.startswith("__MACOSX/") for i, t in targets)
            return skipped, [t for i, t in targets if t is not None and i.filename in renamed]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error) as e:  # ValueError: a name
        raise _ArchiveProblem(f"{label} is corrupt") from e  # in a local header not as the directory says
    except NotImplementedError as e:
        raise _ArchiveProblem(f"{label} uses a compression method the grader cannot read") from e
    except RuntimeError as e:  # zipfile's "File ... is encrypted, password required"
        raise _ArchiveProblem(f"{label} is password-protected") from e
    except OSError as e:
        raise _ArchiveProblem(f"{label} cannot be read ({e.strerror or e})") from e
    except _ArchiveProblem:
        raise
    except Exception as e:  # a hostile archive may trip zipfile anywhere: one student's problem, never the class's
        raise _ArchiveProblem(f"{label} cannot be read ({type(e).__name__}: {e})") from e


def _renamed_note(paths: list[Path], base: Path, where: str) -> str:
    """What intake did to the members of ``where`` whose names said UTF-8 but were not (paths under ``base``)."""
    names = [p.relative_to(base).as_posix() for p in paths]
    more = len(names) - MAX_LISTED_FILES
    listed = ", ".join(names[:MAX_LISTED_FILES]) + (f", and {more} more" if more > 0 else "")
    return (f"renamed {len(names)} file(s) of {where} whose names are not valid UTF-8 although the zip says "
            f"they are (read as Windows-1252): {listed}")


def _too_large(label: str, budget: _Budget) -> str:
    return f"{label} is too large once extracted (limit {budget.max_bytes / 2**20:g} MB)"


def _member_target(info: zipfile.ZipInfo, dest: Path) -> Path | None:
    """Where a member goes under ``dest``; None for symlinks, absolute paths, '..' and ``__MACOSX``."""
    name = info.filename.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    unsafe = name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in parts
    if unsafe or not parts or stat.S_ISLNK(info.external_attr >> 16) or parts[0] == "__MACOSX":
        return None
    return dest.joinpath(*parts)


def _write_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, root: Path, budget: _Budget,
                  label: str) -> None:
    """Write one member, counting its real size against ``budget``; a member the disk refuses is skipped."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(root):
            return
        with zf.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(2**20):
                budget.bytes_used += len(chunk)
                if budget.bytes_used > budget.max_bytes:
                    raise _ArchiveProblem(_too_large(label, budget))
                out.write(chunk)
    except OSError:
        return  # a file and a folder of the same name, a name the file system refuses: skip the member


def _no_tp1(folders: list[tuple[Path, str]]) -> str:
    """"no tp1.py found (files: ...)" listing what the student handed in."""
    files: list[str] = []
    for folder, label in folders:
        files += [label + p.relative_to(folder).as_posix() for p in _files(folder)]
    files = list(dict.fromkeys(files))
    if not files:
        return "no tp1.py found (the folder is empty)"
    more = len(files) - MAX_LISTED_FILES
    listed = ", ".join(files[:MAX_LISTED_FILES]) + (f", and {more} more" if more > 0 else "")
    message = f"no tp1.py found (files: {listed})"
    if any(f.lower().endswith(OTHER_ARCHIVES) for f in files):
        message += "; only .zip archives are opened"
    return message
