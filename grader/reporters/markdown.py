"""A Markdown summary, e.g. for ``$GITHUB_STEP_SUMMARY`` (GitHub-flavoured Markdown tables).

Student text (messages, hints, names) is escaped: control characters, bidi overrides and lone
surrogates are shown as escapes (:func:`~grader.reporters.common.clean_text`), ``<``, ``>`` and
``&`` become entities (GitHub renders inline HTML), ``|`` is escaped so a message cannot break the
table, newlines become ``<br>``, and backticks are dropped from text put in code spans.
"""

from __future__ import annotations

from grader.i18n import Msg, render as tr, status_word
from grader.model import Status, SubmissionReport, Visibility
from grader.reporters.common import clean_text, count_line, lang_of, points

ICONS = {Status.PASSED: "✅", Status.FAILED: "❌", Status.ERROR: "💥", Status.TIMEOUT: "⏱️", Status.SKIPPED: "⏭️"}


def escape(text: str) -> str:
    """Inline Markdown text that renders as the characters it holds, on one table row."""
    text = clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\|*_[]#`":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def code(text: str) -> str:
    return "`" + clean_text(text).replace("`", "").replace("|", "\\|") + "`"


def render(report: SubmissionReport, heading_level: int = 2) -> str:
    h = "#" * heading_level
    lang = lang_of(report)
    summary = count_line(report)
    verdict = "✅" if report.all_passed else "❌"
    lines = [f"{h} {verdict} {escape(report.submission.name)}: {points(report.score)} / "
             f"{points(report.max_score)}", "",
             f"{summary}; {report.duration_s:.1f} s · grader {escape(report.grader_version)}", ""]
    lines += [f"> ⚠️ {escape(w)}" for w in report.warnings]
    if report.warnings:
        lines.append("")
    columns = " | ".join(tr(Msg(f"terminal.column.{key}"), lang) for key in ("check", "status", "points", "message"))
    lines += [f"| | {columns} |", "|---|---|---|---:|---|"]
    for check in report.checks:
        hidden = f" ({tr(Msg('terminal.hidden'), lang)})" if check.visibility is Visibility.HIDDEN else ""
        lines.append(f"| {ICONS[check.status]} | {code(check.id)}{hidden} | {status_word(check.status, lang)} | "
                     f"{points(check.score)}/{points(check.max_score)} | {escape(check.message)} |")
    hinted = [c for c in report.checks if c.hints]
    if hinted:
        lines += ["", f"{h}# {tr(Msg('terminal.hints'), lang)}", ""]
        lines += [f"- {code(c.id)}: {escape(hint)}" for c in hinted for hint in c.hints]
    return "\n".join(lines) + "\n"


def render_class(summary) -> str:
    """A class run (a :class:`grader.classmode.summary.ClassSummary`): one row per student, then pass rates."""
    lines = [f"## Class: {summary.n_graded} / {summary.n_students} graded", ""]
    if summary.n_graded:
        lines += [f"mean {round(summary.mean_score, 2):g} / {summary.max_score:g} · "
                  f"median {summary.median_score:g} / {summary.max_score:g}", ""]
    lines += ["| Student | Score | Passed | Problem |", "|---|---:|---:|---|"]
    for row in summary.students:
        score = f"{points(row.score)}/{points(row.max_score)}" if row.graded else "n/a"
        passed = sum(1 for s in row.statuses.values() if s == Status.PASSED.value)
        lines.append(f"| {escape(row.student)} | {score} | {passed}/{len(row.statuses)} | "
                     f"{escape(row.problem or '')} |")
    lines += ["", "| Check | Pass rate |", "|---|---:|"]
    lines += [f"| {code(c.id)} | {c.pass_rate:.0%} |" for c in summary.checks]
    failing = [c for c in summary.checks if c.top_failures]
    if failing:
        lines += ["", "### Most frequent failures", ""]
        for check in failing:
            lines += [f"- {code(check.id)}"]
            lines += [f"  - **{f.count}×** {escape(f.text)} ({', '.join(escape(s) for s in f.students)})"
                      for f in check.top_failures]
    return "\n".join(lines) + "\n"
