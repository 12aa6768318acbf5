"""The command line's class runs and ``grader merge``: grade a class with a progress bar, then write every
class file (gradebook, summary, summary.md, index.html, junit.xml, the Moodle worksheet) and print the class
table; the same files from per-student reports for ``merge``. grader.cli parses the options and calls these."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from rich.console import Console
from rich.text import Text

from grader.cli_output import EXIT_INTERNAL, EXIT_OK, error, say, usage_error
from grader.config import GradingConfig
from grader.i18n import Msg, render as tr
from grader.text import visible

STUDENTS_DIR = "students"  # OUT/students/<slug>.* per student; OUT/ holds the class's own files


def check_class(console: Console, path: Path, config: GradingConfig, summary_path: Path, out: Path,
                 jobs: int, shard_text: Optional[str], extra=(), force: bool = False) -> int:
    import os
    import tempfile

    from grader.classmode.run import grade_class, in_shard, parse_shard
    from grader.classmode.intake import IntakeError, discover
    from grader.integrity import classrun as integrity

    try:
        shard = parse_shard(shard_text) if shard_text else None
    except ValueError as exc:
        usage_error(console, str(exc))
    with tempfile.TemporaryDirectory(prefix="grader-class-") as tmp:
        try:
            submissions = discover(path, Path(tmp), keep=lambda slug: in_shard(slug, shard))
        except IntakeError as exc:
            usage_error(console, str(exc))
        workers = jobs if jobs > 0 else (os.cpu_count() or 1)
        say(console, tr(Msg("cli.grading", n=len(submissions), path=str(path), workers=workers,
                             shard=Msg("cli.shard", i=shard[0], of=shard[1]) if shard else ""), config.lang))
        graded = run_with_progress(console, submissions, config, out / STUDENTS_DIR, workers,
                                    lambda *a, **k: grade_class(*a, **k, reuse=not force))
        similarity = integrity.run_for_class(graded, config, out, out / STUDENTS_DIR, path)  # hand-ins still there
    code = class_outputs(console, graded, summary_path, out, config, extra)
    for line in integrity.finish(similarity, out, config.lang):
        say(console, line)
    return code


def run_with_progress(console, submissions, config, out, workers, grade_class):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("grading", total=len(submissions))

        def done(graded) -> None:
            progress.advance(task)
            from grader.classmode.summary import label

            score = f"{graded.report.score:g}/{graded.report.max_score:g}" if graded.report else "grader error"
            who = label(graded.submission.student, graded.submission.lms_id, True)
            progress.console.print(Text(f"  {visible(who, multiline=False)}: {score}"
                                        + (tr(Msg("classout.reused_mark"), config.lang) if graded.reused else "")),
                                   highlight=False)

        return grade_class(submissions, config, out, workers, on_done=done)


def class_outputs(console: Console, graded, summary_path: Path, out: Path, config=None, extra=()) -> int:
    from grader.classmode.summary import ClassEntry

    lang = config.lang if config is not None else "en"
    entries = [ClassEntry(g.submission.student, g.report, str(g.report_path) if g.report_path else None, g.problem,
                          g.submission.lms_id) for g in graded]
    write_class_outputs(console, entries, summary_path, out, config, extra, reused=sum(g.reused for g in graded))
    sandboxed = [g.report for g in graded if g.report is not None and g.report.environment.get("sandbox_details")]
    if sandboxed:  # what the sandbox of this run did not protect, in red, as the reports say
        from grader.reporters.terminal import render_unprotected

        render_unprotected(sandboxed[0].environment, console, lang)
    say(console, tr(Msg("cli.per_student_reports", out=str(out / STUDENTS_DIR)), lang))
    failures = [g for g in graded if g.report is None]
    for g in failures:
        error(console, f"grader failed on {visible(g.submission.student, multiline=False)}:", g.problem or "")
    return EXIT_INTERNAL if failures else EXIT_OK


def write_class_outputs(console: Console, entries, summary_path: Path, out: Path, config=None, extra=(),
                         reused: int = 0):
    """Every class file (gradebook, summary, summary.md, index.html, junit.xml, the Moodle worksheet...), then
    the class table: the same for a class run and for `grader merge`. Files first, so that a reader that
    stops early (`| head`) costs nothing. Returns the summary."""
    from grader.classmode.summary import summarize
    from grader.reporters import outputs
    from grader.reporters.class_reports import render_class_table, write_gradebook_csv, write_summary_json

    config = config if config is not None else GradingConfig()
    summary = summarize(entries)
    write_gradebook_csv(summary, out / "gradebook.csv")
    write_summary_json(summary, summary_path)
    written = outputs.write_class(summary, entries, extra, out, config, defaults=True, lang=config.lang)
    render_class_table(summary, console, config.lang, reused)
    say(console, tr(Msg("cli.gradebook", gradebook=str(out / "gradebook.csv"), summary=str(summary_path)),
                     config.lang))
    for fmt, file in written:
        say(console, tr(Msg("classout.file", what=fmt, file=str(file)), config.lang))
    if any(fmt == "moodle" for fmt, _ in written):
        left_out = sum(1 for e in entries if not e.lms_id)
        if left_out:
            say(console, tr(Msg("classout.moodle_skipped", n=left_out), config.lang))
    return summary


def merge_reports(console: Console, reports: List[Path], out: Path, json_path: Optional[Path], language: str,
                  extra=()) -> None:
    """`grader merge`: every class file from per-student reports (named, or found in the folders named)."""
    from grader.classmode.summary import ClassEntry
    from grader.reporters.json_report import from_dict

    rows, seen = [], {}
    for file, data in reports_to_merge(console, reports):
        try:
            report = from_dict(data)
        except (ValueError, KeyError, TypeError) as exc:
            usage_error(console, f"{file}: not a grader report: {exc}")
        who = (report.submission.name, report.submission.lms_id)
        if who in seen:
            usage_error(console, f"{file}: student {report.submission.name!r} already read from {seen[who]}")
        seen[who] = file
        rows.append(ClassEntry(report.submission.name, report, str(file), None, report.submission.lms_id))
    from grader.integrity.classrun import finish, similarity_for_merge

    out.mkdir(parents=True, exist_ok=True)
    similarity = similarity_for_merge([Path(r.report_path) for r in rows], out)  # before the index that shows it
    write_class_outputs(console, rows, json_path or out / "summary.json", out, GradingConfig(lang=language), extra)
    for line in finish(similarity, out, language):
        say(console, line)


def reports_to_merge(console: Console, items: List[Path]) -> list:
    """``(file, data)`` of every per-student report named or found (at any depth) in the folders named, told
    apart by content: a class summary, a Gradescope file or any other JSON found in a folder is skipped; a file
    named must be a report."""
    import json

    found = []
    for item in items:
        if not item.exists():
            usage_error(console, f"no such file or folder: {item}")
        for file in sorted(item.rglob("*.json")) if item.is_dir() else [item]:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (ValueError, OSError) as exc:
                if item.is_dir():
                    continue
                usage_error(console, f"{file}: not a grader report: {exc}")
            if item.is_dir() and not looks_like_report(data):
                continue
            found.append((file, data))
    if not found:
        usage_error(console, "no JSON reports found")
    return found


def looks_like_report(data) -> bool:
    return isinstance(data, dict) and {"schema_version", "submission", "checks"} <= set(data)
