"""The class index page (``DIR/index.html``): a class at a glance, self-contained like the students' pages.

From the top: the numbers (students, graded, mean, median); the score distribution and the pass rate
per check as inline SVG charts (:mod:`grader.reporters.charts`); the most frequent failures of each
check with the students they concern, each linked to their page; the students' table, one named
column per check, which sorts by name, by score or by any check (its failures first) with plain links
and CSS (``:target`` and ``order``), as the page has no script. ``sections`` lets another feature add
its own part (a title and HTML it escaped itself) before the table.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from grader.classmode.summary import ClassSummary, distribution
from grader.i18n import Msg, render as tr, status_word
from grader.model import Status
from grader.reporters import charts
from grader.reporters.common import points
from grader.reporters.html_report import escape, page

MARKS = {Status.PASSED.value: "✓", Status.FAILED.value: "✗", Status.ERROR.value: "E", Status.TIMEOUT.value: "T",
         Status.SKIPPED.value: "-"}
# Sorting by a check: its worst outcomes first, then the others, passed last; ties by name.
CHECK_ORDER = {Status.ERROR.value: 0, Status.TIMEOUT.value: 1, Status.FAILED.value: 2, Status.SKIPPED.value: 3,
               None: 4, Status.PASSED.value: 5}
CSS = """
.chart .axis{stroke:#9aa0a6}.chart .track{fill:#eceff1}.chart.bars .xl,.chart.hbars .xl{font-size:11px}
.chart.hbars .yl{font-size:11px;font-family:ui-monospace,Menlo,Consolas,monospace}
section{margin:14px 0}h2{margin:.6em 0 .3em}h3{font-size:.95rem;margin:.7em 0 .2em}
.fail{margin:.2em 0 .5em;padding-left:1.2em}.fail li{margin:.25em 0;overflow-wrap:anywhere}
.who{color:#5f6368;font-size:.85rem}.who a{color:inherit}
.tablewrap{overflow-x:auto;background:var(--bg);border:1px solid var(--line);border-radius:6px}
.grid{display:grid;align-items:end}.grid .r{display:contents}
.grid .r>*{padding:3px 6px;border-bottom:1px solid var(--line);white-space:nowrap}
.grid .hd>*{order:-1!important;font-weight:700;font-size:.8rem}.grid .hd a{color:inherit}
.grid .v{writing-mode:vertical-rl;transform:rotate(180deg);font-family:ui-monospace,Menlo,Consolas,monospace;
padding:6px 2px}.grid .m{text-align:center;font-family:ui-monospace,Menlo,Consolas,monospace}
.grid .n{text-align:right}.m.passed{color:var(--ok)}.m.failed{color:var(--bad)}.m.error{color:var(--err)}
.m.timeout{color:var(--to)}.m.skipped{color:var(--skip)}.anchor{display:block;height:0}
.sortnav{font-size:.9rem;margin:.3em 0}.sortnav a{margin:0 .3em}
#by-score:target~.tablewrap .r>*{order:var(--s)}
"""


def _order_rules(n_checks: int) -> str:
    return "".join(f"#by-c{i}:target~.tablewrap .r>*{{order:var(--c{i})}}" for i in range(1, n_checks + 1))


def _student_link(name: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{escape(name)}</a>' if href else escape(name)


def _charts(summary: ClassSummary, lang: str) -> str:
    if not summary.n_graded:
        return ""
    dist = charts.columns(distribution(summary), tr(Msg("classout.html.distribution"), lang),
                          tr(Msg("classout.html.distribution_alt", max=f"{summary.max_score:g}"), lang),
                          tr(Msg("classout.html.students_axis"), lang))
    rates = []
    for check in summary.checks:
        total = sum(check.counts.values())
        passed = check.counts.get(Status.PASSED.value, 0)
        rates.append((check.id, check.pass_rate, f"{check.pass_rate:.0%} ({passed}/{total})"))
    rate_chart = charts.bars(rates, tr(Msg("classout.html.pass_rates"), lang))
    return (f'<section><h2>{escape(tr(Msg("classout.html.distribution"), lang))}</h2>{dist}</section>'
            f'<section><h2>{escape(tr(Msg("classout.html.pass_rates"), lang))}</h2>{rate_chart}</section>')


def _failures(summary: ClassSummary, hrefs: Mapping[str, str | None], lang: str) -> str:
    blocks = []
    for check in summary.checks:
        if not check.top_failures:
            continue
        items = "".join(
            f"<li><b>{f.count}×</b> {escape(f.text)}<br><span class=\"who\">"
            + ", ".join(_student_link(s, hrefs.get(s)) for s in f.students) + "</span></li>"
            for f in check.top_failures)
        blocks.append(f'<h3 class="id">{escape(check.id)}</h3><ul class="fail">{items}</ul>')
    if not blocks:
        return ""
    return f'<section><h2>{escape(tr(Msg("classout.html.top_failures"), lang))}</h2>{"".join(blocks)}</section>'


def _table(summary: ClassSummary, hrefs: Mapping[str, str | None], lang: str) -> str:
    ids = summary.check_ids
    rows = summary.students  # by name already
    by_score = sorted(range(len(rows)), key=lambda i: (not rows[i].graded, -rows[i].score, i))
    score_rank = {i: rank for rank, i in enumerate(by_score)}
    head = (f'<div class="r hd"><a href="#by-name">{escape(tr(Msg("classout.html.student"), lang))}</a>'
            f'<a href="#by-score" class="n">{escape(tr(Msg("classout.html.score"), lang))}</a>'
            + "".join(f'<a href="#by-c{i}" class="v" title="{escape(cid)}">{escape(cid)}</a>'
                      for i, cid in enumerate(ids, 1)) + "</div>")
    body = []
    for i, row in enumerate(rows):
        ranks = [f"--s:{score_rank[i]}"] + [
            f"--c{k}:{CHECK_ORDER.get(row.statuses.get(cid), 4) * len(rows) + i}" for k, cid in enumerate(ids, 1)]
        name = _student_link(row.student, hrefs.get(row.student))
        if row.problem:
            name += f'<br><span class="who">{escape(row.problem)}</span>'
        score = (f"{points(row.score)}/{points(row.max_score)}" if row.graded
                 else escape(tr(Msg("classout.html.not_available"), lang)))
        marks = "".join(
            f'<span class="m {escape(row.statuses.get(cid, ""))}" title="{escape(cid)}: '
            f'{escape(status_word(row.statuses[cid], lang) if cid in row.statuses else "-")}">'
            f'{MARKS.get(row.statuses.get(cid, ""), "·")}</span>' for cid in ids)
        body.append(f'<div class="r" style="{";".join(ranks)}"><span style="white-space:normal">{name}</span>'
                    f'<span class="n">{score}</span>{marks}</div>')
    columns = f"grid-template-columns:minmax(10em,max-content) auto repeat({len(ids)},minmax(1.7em,auto))"
    nav = (f'<p class="sortnav">{escape(tr(Msg("classout.html.sort"), lang))}'
           f'<a href="#by-name">{escape(tr(Msg("classout.html.sort_name"), lang))}</a>'
           f'<a href="#by-score">{escape(tr(Msg("classout.html.sort_score"), lang))}</a>'
           f'{escape(tr(Msg("classout.html.sort_check"), lang))}</p>')
    anchors = "".join(f'<span id="{a}" class="anchor"></span>'
                      for a in ["by-name", "by-score", *(f"by-c{i}" for i in range(1, len(ids) + 1))])
    return (f'<section><h2>{escape(tr(Msg("classout.html.students_table"), lang))}</h2>{nav}{anchors}'
            f'<div class="tablewrap"><div class="grid" style="{columns}">{head}{"".join(body)}</div></div>'
            f'<p class="legend">{escape(tr(Msg("classout.html.legend"), lang))}</p></section>')


def render_index(summary: ClassSummary, links: Mapping[str, str], lang: str = "en", title: str | None = None,
                 sections: Sequence[tuple[str, str]] = ()) -> str:
    """The index page. ``links``: a student's JSON report path (their row's ``report``) -> the relative link
    to their page; ``sections``: (title, HTML) parts added before the students' table."""
    title = title or tr(Msg("classout.html.title"), lang)
    hrefs = {row.student: links.get(row.report or "") for row in summary.students}
    meta = tr(Msg("classout.html.students", n=summary.n_students, graded=summary.n_graded), lang)
    if summary.n_graded:
        meta += " · " + tr(Msg("classout.html.mean", mean=f"{round(summary.mean_score, 2):g}",
                               max=f"{summary.max_score:g}", median=f"{summary.median_score:g}"), lang)
    extra = "".join(f"<section><h2>{escape(t)}</h2>{body}</section>" for t, body in sections)
    body = (f"<h1>{escape(title)}</h1><p class=\"meta\">{escape(meta)}</p>" + _charts(summary, lang)
            + _failures(summary, hrefs, lang) + extra + _table(summary, hrefs, lang))
    return page(title, body, CSS + _order_rules(len(summary.check_ids)), lang=lang)
