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
CLASS_FILES = {"junit": "junit.xml", "markdown": "summary.md", "html": "index.html"}


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
        if fmt not in SUFFIXES:
            raise ValueError(f"--format: unknown format {fmt!r} in {item!r}; known: {', '.join(SUFFIXES)}")
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
        if out.fmt == "json" and out.path is None:
            continue  # that is the JSON report itself, already written
        path = out.path or report_path.with_name(report_path.name.removesuffix(".json") + SUFFIXES[out.fmt])
        written.append((out.fmt, atomic_write(path, render(out.fmt, report, config))))
    return written


def write_class(summary, rows, outputs: Sequence[Output], out_dir: Path, config) -> list[tuple[str, Path]]:
    """Per-student files beside each student's JSON report and one class file per format in ``out_dir``
    (none for gradescope and json).

    ``summary``: the class's :class:`~grader.classmode.summary.ClassSummary` of ``rows``, which are
    ``(student, report or None, JSON report path or None, problem)``.
    """
    from grader.integrity.classrun import codes_beside
    from grader.reporters import html_report, junit, markdown, similarity

    lang = getattr(config, "lang", "en")
    fmts = list(dict.fromkeys(o.fmt for o in outputs if o.fmt not in ("json", "gradescope")))
    written, pages = [], {}
    for student, report, report_path, _ in rows:
        if report is None or report_path is None:
            continue
        stem = Path(report_path).name.removesuffix(".json")
        for fmt in fmts:
            path = atomic_write(Path(report_path).with_name(f"{stem}{SUFFIXES[fmt]}"), render(fmt, report, config))
            if fmt == "html":
                pages[student] = path
    explicit = {o.fmt: o.path for o in outputs if o.path is not None}
    for fmt in fmts:
        if fmt not in CLASS_FILES:
            continue
        path = explicit.get(fmt) or out_dir / CLASS_FILES[fmt]
        if fmt == "junit":
            text = junit.class_xml(r for _, r, _, _ in rows if r is not None)
        elif fmt == "markdown":
            text = markdown.render_class(summary) + similarity.markdown_section(out_dir, lang)
        else:
            links = {s: os.path.relpath(p.resolve(), path.resolve().parent) for s, p in pages.items()}
            codes = codes_beside([Path(f) for _, r, f, _ in rows if r is not None and f])
            text = similarity.insert_html(html_report.render_index(summary, links),
                                          similarity.html_section(out_dir, codes, lang))
        written.append((fmt, atomic_write(path, text)))
    return written
