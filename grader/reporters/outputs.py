"""``--format FMT[=FILE]`` and ``--html FILE``: which extra report files a run writes, and where.

Formats: ``json`` (our schema; the same file as ``--json``), ``gradescope`` (``results.json`` per
Gradescope's spec), ``junit`` (JUnit XML), ``markdown`` (e.g. for ``$GITHUB_STEP_SUMMARY``),
``html`` (the self-contained page; ``--html FILE`` is ``--format html=FILE``).

One submission: each format goes to FILE, or beside the JSON report as ``<name>.<ext>``
(:data:`SUFFIXES`). A class run (``--out DIR``): every student gets ``<slug>.<ext>`` for each format
beside their JSON report (``DIR/students/``), and the class gets one file per format in ``DIR``
itself, so that no student's name can collide with it: ``junit`` all students in one JUnit file
(FILE or ``DIR/junit.xml``), ``markdown`` the class table (FILE or ``DIR/summary.md``), ``html``
an index linking every student's page (FILE or ``DIR/index.html``). ``gradescope`` writes nothing in
a class run (Gradescope runs the grader once per submission), nor does ``json`` (the per-student
JSON reports and ``summary.json`` are always written).

A class run and ``grader merge`` write every class file by default (``defaults=True`` of
:func:`write_class`): ``summary.md``, ``index.html`` (with each student's HTML page, which it links),
``junit.xml``, and Moodle's grading worksheet (``moodle`` format, ``moodle-grading-worksheet.csv``) when
some student has a Moodle participant id; ``--format FMT`` then adds FMT's per-student files, and
``FMT=FILE`` names the class file. ``moodle`` is a class format only.

Reference curves for the HTML charts are computed here, by trusted grader code, only when HTML is
requested (:mod:`grader.data.reference_curves`, cached per process).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from grader.reporters.common import atomic_write

from grader.model import SubmissionReport

SUFFIXES = {"json": ".json", "gradescope": ".gradescope.json", "junit": ".junit.xml", "markdown": ".md",
            "html": ".html"}
CLASS_FILES = {"junit": "junit.xml", "markdown": "summary.md", "html": "index.html",
               "moodle": "moodle-grading-worksheet.csv"}
CLASS_ONLY = ("moodle",)  # formats of a class, not of one hand-in


@dataclass(frozen=True)
class Output:
    fmt: str
    path: Path | None = None  # None: the default name


def parse(items: Iterable[str], html: Path | None = None) -> list[Output]:
    """``["junit", "markdown=summary.md"]`` -> outputs; ValueError naming the bad item."""
    outputs = []
    for item in items:
        fmt, sep, file = item.partition("=")
        fmt = fmt.strip().lower()
        if fmt not in SUFFIXES and fmt not in CLASS_ONLY:
            raise ValueError(f"--format: unknown format {fmt!r} in {item!r}; known: "
                             f"{', '.join((*SUFFIXES, *CLASS_ONLY))}")
        if sep and not file.strip():
            raise ValueError(f"--format {item!r}: give a file after '=' (or no '=' for the default name)")
        outputs.append(Output(fmt, Path(file.strip()) if sep else None))
    if html is not None:
        outputs.append(Output("html", html))
    return outputs


def render(fmt: str, report: SubmissionReport, config) -> str:
    from grader.reporters import gradescope, json_report, junit, markdown

    if fmt == "json":
        return json_report.dumps(report)
    if fmt == "gradescope":
        return gradescope.dumps(report)
    if fmt == "junit":
        return junit.to_xml(report)
    if fmt == "markdown":
        return markdown.render(report)
    from grader.data import reference_curves
    from grader.reporters import html_report

    return html_report.render(report, reference_curves.for_report(report, config))


def write_submission(report: SubmissionReport, outputs: Sequence[Output], report_path: Path,
                     config) -> list[tuple[str, Path]]:
    """Every requested file of one submission; default names beside ``report_path`` (the JSON report)."""
    written = []
    for out in outputs:
        if (out.fmt == "json" and out.path is None) or out.fmt in CLASS_ONLY:
            continue  # that is the JSON report itself, already written; or a class's file
        path = out.path or report_path.with_name(report_path.name.removesuffix(".json") + SUFFIXES[out.fmt])
        written.append((out.fmt, atomic_write(path, render(out.fmt, report, config))))
    return written


def write_class(summary, rows, outputs: Sequence[Output], out_dir: Path, config, defaults: bool = False,
                lang: str = "en", sections: Sequence[tuple[str, str]] = ()) -> list[tuple[str, Path]]:
    """Per-student files beside each student's JSON report and one class file per format in ``out_dir``
    (none for gradescope and json).

    ``summary``: the class's :class:`~grader.classmode.summary.ClassSummary` of ``rows``, which are
    :class:`~grader.classmode.summary.ClassEntry` items (``(student, report or None, JSON report path or
    None, problem[, lms_id])``). ``defaults``: also every class file nobody asked for (see the module
    docstring), as a class run and ``grader merge`` do. ``sections``: (title, HTML) parts another feature
    adds to the class index (:func:`grader.reporters.class_html.render_index`).
    """
    from grader.classmode.summary import ClassEntry

    rows = [ClassEntry(*row) for row in rows]
    asked = list(dict.fromkeys(o.fmt for o in outputs if o.fmt not in ("json", "gradescope")))
    per_student = [f for f in asked if f in SUFFIXES] + (["html"] if defaults and "html" not in asked else [])
    class_fmts = list(dict.fromkeys(asked + (list(CLASS_FILES) if defaults else [])))
    if "moodle" in class_fmts and "moodle" not in asked and not any(r.lms_id for r in rows):
        class_fmts.remove("moodle")  # not an LMS export: no worksheet unless asked for
    written, pages = [], {}
    for row in rows:
        if row.report is None or row.report_path is None:
            continue
        stem = Path(row.report_path).name.removesuffix(".json")
        for fmt in per_student:
            path = atomic_write(Path(row.report_path).with_name(f"{stem}{SUFFIXES[fmt]}"),
                                render(fmt, row.report, config))
            if fmt == "html":
                pages[str(row.report_path)] = path
    explicit = {o.fmt: o.path for o in outputs if o.path is not None}
    for fmt in class_fmts:
        path = explicit.get(fmt) or out_dir / CLASS_FILES[fmt]
        written.append((fmt, atomic_write(path, _class_text(fmt, summary, rows, pages, path, lang, sections, out_dir))))
    return written


def _class_text(fmt: str, summary, rows, pages: dict, path: Path, lang: str, sections=(), out_dir=None) -> str:
    from grader.integrity.classrun import codes_beside
    from grader.reporters import class_html, junit, markdown, moodle, similarity

    if fmt == "junit":
        return junit.class_xml(r.report for r in rows if r.report is not None)
    if fmt == "markdown":
        return markdown.render_class(summary) + (similarity.markdown_section(out_dir, lang) if out_dir else "")
    if fmt == "moodle":
        return moodle.worksheet(rows, lang)[0]
    links = {key: os.path.relpath(p.resolve(), path.resolve().parent) for key, p in pages.items()}
    index = class_html.render_index(summary, links, lang, sections=sections)
    if out_dir is None:
        return index
    codes = codes_beside([Path(r.report_path) for r in rows if r.report is not None and r.report_path])
    return similarity.insert_html(index, similarity.html_section(out_dir, codes, lang))
