"""The student's working copy of a hand-in, and the file hashes of the report, taken from what was copied.

Everything in the folder holding tp1.py is copied, at any depth, folders included (a student's own ``data/``
package, ``runs/``, ``venv/`` are the student's files like any other), except:

- symbolic links that leave the folder or point to a folder: never followed, so no file outside the hand-in is
  ever read or hashed (a link to a file of the folder is copied as that file); FIFOs, sockets, devices;
- what the grader makes or rebuilds: its own JSON reports and class summaries (recognised by their content,
  wherever they are) and its output folder ``grader-reports/``, compiled Python (``__pycache__``, ``.pyc``:
  rebuilt from the sources, so the code that
  runs is the code the report hashes) and version-control data (``.git``, ``.hg``, ``.svn``);
- what is too big: a file over :data:`MAX_FILE_BYTES`; past :data:`MAX_TOTAL_BYTES` or :data:`MAX_FILES` in
  all, the files that come last when the shallowest, then the smallest, are taken first.

The report says what was left out (links, special and too-big files). A lab file handed in under another case
(``TP1.py``) is also copied under the lab's name. Files are read once, through descriptors opened without
following links and checked to be regular files, within their size limit, and hashed as they are copied.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from grader.handin.locate import LAB_FILES, REPORTS_DIR
from grader.handin.safe_read import NO_FOLLOW_FLAGS
from grader.i18n import Join, Msg

MAX_FILE_BYTES = 16 * 2**20
MAX_TOTAL_BYTES = 50 * 2**20
MAX_FILES = 2_000
MAX_ENTRIES = 50_000  # entries looked at; the rest of a bigger folder is left out
MAX_HASHED = 200  # .py files whose sha256 the report lists
MAX_LISTED = 6
REBUILT_DIRS = frozenset({"__pycache__", ".git", ".hg", ".svn", REPORTS_DIR})  # and the grader's output
_CHUNK = 2**20


@dataclass(frozen=True)
class Copied:
    hashes: dict[str, str]  # relative path -> sha256, for the .py files copied
    notes: tuple[Msg, ...]  # what the report says about the copy
    files: int = 0  # how many files were copied
    bytes: int = 0  # and their total size


@dataclass
class _Plan:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (relative path, path to read, size)
    dirs: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # not followed
    special: list[str] = field(default_factory=list)
    too_big: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False


def copy_handin(src: Path, dst: Path) -> Copied:
    """Copy the folder ``src`` (it holds tp1.py) to ``dst`` (created) for the student process."""
    plan = _plan(Path(src))
    os.makedirs(dst, exist_ok=True)
    for rel in plan.dirs:
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
    hashes: dict[str, str] = {}
    total, count = 0, 0
    for rel, source, size in sorted(plan.files, key=lambda f: (f[0].count("/"), f[2], f[0])):
        if size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES or count >= MAX_FILES:
            plan.too_big.append((rel, size))
            continue
        copied = _copy_file(source, os.path.join(dst, rel), rel.endswith(".py"), MAX_TOTAL_BYTES - total)
        if copied is None:
            plan.too_big.append((rel, size))
            continue
        size, digest = copied
        total, count = total + size, count + 1
        if digest is not None:
            hashes[rel] = digest
    notes = _lab_names(Path(dst)) + _notes(plan)
    return Copied(dict(sorted(hashes.items())[:MAX_HASHED]), tuple(notes), count, total)


def _plan(src: Path) -> _Plan:
    """What to copy: a breadth-first walk that never follows a link and skips what the grader rebuilds."""
    plan, real_src = _Plan(), os.path.realpath(src)
    queue, seen = deque([""]), 0
    while queue:
        rel_dir = queue.popleft()
        try:
            with os.scandir(os.path.join(src, rel_dir)) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                plan.truncated = True
                return plan
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            _plan_entry(plan, entry, rel, real_src, queue)
    return plan


def _plan_entry(plan: _Plan, entry: os.DirEntry, rel: str, real_src: str, queue: deque) -> None:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        if entry.name not in REBUILT_DIRS:
            plan.dirs.append(rel)
            queue.append(rel)
    elif stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(entry.path)
        try:
            inside = Path(target).is_relative_to(real_src) and stat.S_ISREG(os.stat(target).st_mode)
        except OSError:
            inside = False
        if inside:
            plan.files.append((rel, target, os.stat(target).st_size))
        else:
            plan.links.append(rel)
    elif not stat.S_ISREG(info.st_mode):
        plan.special.append(rel)
    elif not entry.name.endswith(".pyc") and not _graders_report(entry.path, info.st_size, entry.name):
        plan.files.append((rel, entry.path, info.st_size))


def _graders_report(path: str, size: int, name: str) -> bool:
    """A JSON report or class summary this grader wrote (``grader check`` run in the student's folder)."""
    if not name.endswith(".json") or size < 32:
        return False
    try:
        fd = os.open(path, NO_FOLLOW_FLAGS)
    except OSError:
        return False
    try:
        head = os.read(fd, 256) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return False
    finally:
        os.close(fd)
    return head.startswith(b'{\n  "schema_version": "') and b'\n  "grader_version": "' in head or \
        head.startswith(b'{\n  "summary_version": "')


def _copy_file(source: str, target: str, hashed: bool, budget: int) -> tuple[int, str | None] | None:
    """Copy one regular file (read once: opened without following links); its size and sha256 if ``hashed``.

    None, and no file left behind, when it is not a regular file any more or grows past its limits."""
    try:
        fd = os.open(source, NO_FOLLOW_FLAGS)
    except OSError:
        return None
    digest = hashlib.sha256() if hashed else None
    size = 0
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with open(target, "wb") as out:
            while chunk := os.read(fd, _CHUNK):
                size += len(chunk)
                if size > min(MAX_FILE_BYTES, budget):
                    break
                out.write(chunk)
                if digest is not None:
                    digest.update(chunk)
        if size > min(MAX_FILE_BYTES, budget):
            os.unlink(target)
            return None
    except OSError:
        if os.path.exists(target):
            os.unlink(target)
        return None
    finally:
        os.close(fd)
    return size, digest.hexdigest() if digest is not None else None


def _lab_names(dst: Path) -> list[Msg]:
    """``TP1.py`` handed in without ``tp1.py``: copy it under the lab's name too (the original stays)."""
    notes = []
    names = sorted(os.listdir(dst))
    for lab in LAB_FILES:
        if lab in names:
            if not (dst / lab).is_file():
                notes.append(Msg("copy.lab_not_a_file", name=lab))
            continue
        other = next((n for n in names if n.lower() == lab and (dst / n).is_file()), None)
        if other is not None:
            (dst / lab).write_bytes((dst / other).read_bytes())
            notes.append(Msg("handin.renamed", name=other, lab=lab))
    return notes


def _notes(plan: _Plan) -> list[Msg]:
    notes = []
    if plan.too_big or plan.truncated:
        notes.append(Msg("copy.left_out", items=_grouped(plan.too_big, plan.truncated),
                         per_file=_size(MAX_FILE_BYTES), total=_size(MAX_TOTAL_BYTES), files=MAX_FILES))
    if plan.links:
        notes.append(Msg("copy.links", names=_listed(plan.links)))
    if plan.special:
        notes.append(Msg("copy.special", names=_listed(plan.special)))
    return notes


def _grouped(items: list[tuple[str, int]], truncated: bool) -> Join:
    """``venv/ (3412 files, 180.2 MB), weights.bin (2.0 GB)``: top-level folders grouped, biggest first."""
    groups: dict[str, list[int]] = {}
    for rel, size in items:
        head, sep, _ = rel.partition("/")
        groups.setdefault(head + sep, []).append(size)
    ordered = sorted(groups.items(), key=lambda g: (-sum(g[1]), g[0]))
    parts: list[Msg | str] = [Msg("copy.group", name=name, n=len(sizes), size=_size(sum(sizes)))
                              if name.endswith("/") else f"{name} ({_size(sizes[0])})"
                              for name, sizes in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        parts.append(Msg("handin.more", n=len(ordered) - MAX_LISTED))
    if truncated:
        parts.append(Msg("copy.truncated", n=MAX_ENTRIES))
    return Join(parts, sep="sep.comma")


def _listed(names: list[str]) -> Join:
    parts: list[Msg | str] = list(names[:MAX_LISTED * 2])
    if len(names) > MAX_LISTED * 2:
        parts.append(Msg("handin.more", n=len(names) - MAX_LISTED * 2))
    return Join(parts, sep="sep.comma")


def _size(n: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"
