"""Similarity in a class run and in ``grader merge``.

A class run reads each hand-in's code (:mod:`.sources`), removes the handout, fingerprints it and writes,
beside the student's JSON report, ``<slug>.code.jsonl`` (JSON Lines: the student's name, the handout and
the fingerprints, then one line per file of code read). That file is what ``grader merge`` needs: it rebuilds ``similarity.json`` from the code files
found beside the reports it merges, so shards graded on different machines are compared with each other
(every pair of the whole class, not only pairs within a shard). The JSON report itself is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from grader.integrity.fingerprint import Print, fingerprint, handout_hashes
from grader.integrity.similarity import HandinPrints, Similarity, compare
from grader.integrity.sources import find_handout, read_sources
from grader.reporters.common import atomic_write

CODE_SUFFIX = ".code.jsonl"  # not ".json": tools that glob a folder's *.json for reports never see it
MAX_PRINTS = 20_000


def for_class(handins: Sequence[tuple[str, str, Path]], config, students_dir: Path,
              start: Path | None = None) -> Similarity:
    """``handins``: ``(student, slug, folder)`` of every hand-in graded. Writes the code files; the result."""
    handout = find_handout(config.handout, config.config_file, start)
    boilerplate = handout_hashes(read_sources(handout)) if handout else set()
    handout_name = str(handout) if handout else None
    prints = []
    for student, slug, folder in handins:
        sources = read_sources(folder)
        handin = HandinPrints(student, tuple(fingerprint(sources, boilerplate)))
        save_code(students_dir / f"{slug}{CODE_SUFFIX}", handin, sources, handout_name)
        prints.append(handin)
    return compare(prints, config.similarity_threshold, handout_name)


def for_merge(report_files: Sequence[Path], threshold: float) -> Similarity | None:
    """From the code files beside ``report_files``; None when fewer than two are there."""
    loaded = [load_code(code_file(f)) for f in report_files]
    loaded = [x for x in loaded if x is not None]
    if len(loaded) < 2:
        return None
    handout = next((h for _, _, h in loaded if h), None)
    return compare([handin for handin, _, _ in loaded], threshold, handout)


def code_file(report_file: Path) -> Path:
    report_file = Path(report_file)
    return report_file.with_name(report_file.name.removesuffix(".json") + CODE_SUFFIX)


def save_code(path: Path, handin: HandinPrints, sources, handout: str | None) -> None:
    head = {"student": handin.student, "handout": handout,
            "prints": [[p.hash, p.file, p.start, p.end] for p in handin.prints]}
    lines = [head] + [{"file": name, "text": text} for name, text in sources]
    atomic_write(path, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def load_code(path: Path) -> tuple[HandinPrints, list[tuple[str, str]], str | None] | None:
    """A code file, checked field by field; None when missing or malformed."""
    try:
        lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError):
        return None
    data = lines[0] if lines else None
    if not isinstance(data, dict) or not isinstance(data.get("student"), str) or \
            not isinstance(data.get("prints", []), list):
        return None
    files = [(f["file"], f["text"]) for f in lines[1:] if isinstance(f, dict) and isinstance(f.get("file"), str)
             and isinstance(f.get("text"), str)]
    prints = tuple(Print(p[0], p[1], p[2], p[3]) for p in data.get("prints", [])[:MAX_PRINTS]
                   if isinstance(p, list) and len(p) == 4 and type(p[0]) is int and isinstance(p[1], str)
                   and type(p[2]) is int and type(p[3]) is int)
    handout = data.get("handout") if isinstance(data.get("handout"), str) else None
    return HandinPrints(data["student"], prints), files, handout


def codes_beside(report_files: Sequence[Path]) -> dict[str, dict[str, str]]:
    """Student -> {file: text} from the code files beside ``report_files`` (for the side-by-side view)."""
    found = {}
    for report_file in report_files:
        loaded = load_code(code_file(report_file))
        if loaded is not None:
            found[loaded[0].student] = dict(loaded[1])
    return found


def for_graded(graded, config, students_dir: Path, start: Path | None = None) -> Similarity:
    """:func:`for_class` over a class run's :class:`~grader.classmode.run.Graded` list, each student named as
    in the class reports (the slug added to a name two hand-ins share)."""
    names = [g.submission.student for g in graded]
    handins = [(name if names.count(name) == 1 else f"{name} ({g.submission.slug})", g.submission.slug,
                g.submission.handin or g.submission.path)
               for name, g in zip(names, graded) if g.report is not None and not g.submission.problem]
    return for_class(handins, config, students_dir, start)


# ---------------------------------------------------------------- what the command line calls

def run_for_class(graded, config, out: Path, students_dir: Path, start: Path | None = None) -> Similarity | str:
    """A class run's similarity, ``similarity.json`` written in ``out``; the reason when it failed (the
    evidence for the teacher never costs the class its reports)."""
    from grader.reporters import similarity as report

    try:
        similarity = for_graded(graded, config, students_dir, start)
        report.write_json(similarity, Path(out) / report.FILE)
        return similarity
    except Exception as exc:
        return f"similarity not computed ({type(exc).__name__}: {exc})"


def finish(similarity: Similarity | str | None, out: Path, lang: str) -> list[str]:
    """After the gradebook is written: its ``similar_to`` column; the lines the terminal shows."""
    from grader.i18n import Msg, render
    from grader.reporters import similarity as report

    if similarity is None or isinstance(similarity, str):
        return [similarity] if similarity else []
    report.add_gradebook_column(Path(out) / "gradebook.csv", similarity)
    return [*report.terminal_lines(similarity, lang),
            render(Msg("similarity.written", file=str(Path(out) / report.FILE)), lang)]


def run_for_merge(report_files: Sequence[Path], out: Path, lang: str) -> list[str]:
    """``grader merge``: :func:`similarity_for_merge` then :func:`finish` (the class files written between)."""
    return finish(similarity_for_merge(report_files, out), out, lang)


def similarity_for_merge(report_files: Sequence[Path], out: Path) -> Similarity | None:
    """``grader merge``: similarity.json of the whole class from the code files beside the reports (the
    threshold from the grader.toml that applies to the current folder); written before the class index, which
    shows it."""
    from grader.config import GradingConfig
    from grader.config.file import ConfigError, load
    from grader.reporters import similarity as report

    try:
        threshold = load(None, Path.cwd()).config.similarity_threshold
    except ConfigError:
        threshold = GradingConfig().similarity_threshold
    similarity = for_merge(report_files, threshold)
    if similarity is not None:
        report.write_json(similarity, Path(out) / report.FILE)
    return similarity
