"""A self-contained HTML report: one file, inline CSS and SVG, no script, no network, readable on a phone.

Same content as the terminal report (header, checks with status, points, time, message, hints,
total) plus, for each training check, the student's train and test loss curves next to the
reference run's (:mod:`grader.data.reference_curves`, computed by the caller and passed in), on one
log scale, with the thresholds drawn. Everything that comes from the report is escaped (messages
hold student text), its control characters, bidi overrides and lone surrogates shown as escapes
(:func:`grader.text.visible`); a Content-Security-Policy forbids any fetch.
"""

from __future__ import annotations

import math
import html
from typing import Any, Mapping

from grader.model import CheckResult, SubmissionReport, Visibility
from grader.reporters import svg_chart
from grader.i18n import Msg, render as tr, status_word
from grader.reporters.common import count_line, lang_of, points
from grader.reporters.descent_chart import descent_chart
from grader.text import visible


def escape(text: str) -> str:
    """HTML text (or attribute value) showing exactly the characters of ``text``."""
    return html.escape(visible(text))


CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
:root{--ok:#137333;--bad:#c5221f;--err:#a142f4;--to:#b06000;--skip:#5f6368;--bg:#fff;--fg:#202124;--line:#dadce0}
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:#f6f7f9}main{max-width:1040px;margin:0 auto;padding:12px}
h1{font-size:1.4rem;margin:.2em 0}h2{font-size:1.05rem;margin:0}.meta{color:#5f6368;font-size:.85rem;
overflow-wrap:anywhere}.score{font-size:1.6rem;font-weight:700;margin:.2em 0}.card{background:var(--bg);
border:1px solid var(--line);border-left:6px solid var(--skip);border-radius:8px;padding:10px 12px;margin:10px 0}
.card.passed{border-left-color:var(--ok)}.card.failed{border-left-color:var(--bad)}.card.error{border-left-color:var(--err)}
.card.timeout{border-left-color:var(--to)}.head{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}
.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}.name{color:#5f6368;font-size:.9rem}
.pts{margin-left:auto;font-weight:700;white-space:nowrap}.badge{display:inline-block;border-radius:4px;padding:0 6px;
font-size:.8rem;font-weight:700;color:#fff;background:var(--skip);text-transform:uppercase}
.badge.passed{background:var(--ok)}.badge.failed{background:var(--bad)}.badge.error{background:var(--err)}
.badge.timeout{background:var(--to)}.msg{white-space:pre-wrap;overflow-wrap:anywhere;margin:.4em 0}
.hints{margin:.3em 0;padding-left:1.2em;overflow-wrap:anywhere}.hints li::marker{content:"→ "}
.warn{background:#fef7e0;border:1px solid #f9ab00;border-radius:6px;padding:6px 10px;margin:6px 0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;background:var(--bg)}th,td{text-align:left;padding:4px 8px;
border-bottom:1px solid var(--line);vertical-align:top}td.n{text-align:right;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}.charts figure{flex:1 1 300px;margin:0;min-width:0}
.chart{width:100%;height:auto;display:block}.chart .t{font-size:12px;font-weight:700;fill:#202124}
.chart .frame{fill:#fff;stroke:#bdc1c6}.chart .grid{stroke:#eceff1}.chart .yl{font-size:10px;text-anchor:end;fill:#5f6368}
.chart .xl{font-size:10px;fill:#5f6368}.chart .end{text-anchor:end}.chart .mid{text-anchor:middle}
.chart .note{font-size:11px;text-anchor:middle;fill:#c5221f}.chart .h{stroke-width:1.5;stroke-dasharray:6 4}
.chart .h.train{stroke:#1f6fb2}.chart .h.test{stroke:#d9730d}.chart .h.optimum{stroke:#6b7280;stroke-dasharray:2 3}
.legend{font-size:.8rem;color:#5f6368;margin:.3em 0 0}.sw{display:inline-block;width:18px;height:0;
border-top:3px solid;vertical-align:middle;margin:0 3px 0 8px}.sw.d{border-top-style:dashed}.sw.o{border-top:2px dotted #6b7280}
.legend .item{white-space:nowrap}.marks{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:1px;white-space:nowrap}
@media (max-width:600px){main{padding:8px}.hide-phone{display:none}h1{font-size:1.2rem}}
"""


def page(title: str, body: str, css: str = "", lang: str = "en") -> str:
    """The HTML document: ``CSS`` (and ``css``, a page's own rules) inline, the CSP, the viewport."""
    return (f"<!DOCTYPE html>\n<html lang=\"{escape(lang)}\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<link rel=\"icon\" href=\"data:,\"><title>{escape(title)}</title><style>{CSS}{css}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def _header(report: SubmissionReport, lang: str) -> str:
    env: dict[str, Any] = dict(report.environment)
    if env.get("data_source"):
        data = tr(Msg("terminal.data", data=env["data_source"]), lang)
    elif env.get("data_problem"):
        data = tr(Msg("terminal.data_none", problem=env["data_problem"]), lang)
    else:
        data = tr(Msg("terminal.data_not_needed"), lang)
    summary = count_line(report)
    parts = [f"<h1>{escape(report.submission.name)}</h1>",
             f"<p class=\"score\">{points(report.score)} / {points(report.max_score)}</p>",
             f"<p class=\"meta\">{escape(summary)} · {report.duration_s:.1f} s<br>"
             f"{escape(report.submission.path)} · grader {escape(report.grader_version)} · torch "
             f"{escape(str(env.get('torch', '?')))} · python {escape(str(env.get('python', '?')))} · sandbox "
             f"{escape(str(env.get('sandbox', '?')))}<br>{escape(data)}</p>"]
    if env.get("sandbox") == "none":
        parts.append(f"<p class=\"warn\">{escape(tr(Msg('ux.out.no_sandbox'), lang))}</p>")
    parts += [f"<p class=\"warn\">{escape(tr(Msg('terminal.warning', text=w), lang))}</p>" for w in report.warnings]
    return "".join(parts)


def _summary_table(report: SubmissionReport, lang: str) -> str:
    rows = "".join(
        f"<tr><td><a href=\"#{escape(c.id)}\" class=\"id\">{escape(c.id)}</a></td>"
        f"<td><span class=\"badge {c.status.value}\">{escape(status_word(c.status, lang))}</span></td>"
        f"<td class=\"n\">{points(c.score)}/{points(c.max_score)}</td>"
        f"<td class=\"n hide-phone\">{c.duration_s:.1f} s</td></tr>" for c in report.checks)
    check, status, pts, time = (escape(tr(Msg(f"terminal.column.{k}"), lang)) for k in ("check", "status", "points",
                                                                                         "time"))
    return (f"<table><thead><tr><th>{check}</th><th>{status}</th><th>{pts}</th><th class=\"hide-phone\">{time}</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def _curve(details: Mapping[str, Any], key: str) -> list:
    value = details.get(key)
    return [v if isinstance(v, (int, float)) else float("nan") for v in value] if isinstance(value, list) else []


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else float("nan")


def charts(check: CheckResult, reference, lang: str = "en") -> str:
    """The student's panel next to the reference run's, or "" when the check has no threshold."""
    d = check.details
    threshold, optimum = d.get("threshold"), d.get("optimum")
    if not isinstance(threshold, Mapping) or not isinstance(optimum, Mapping):
        return ""

    def say(key: str, value: float | None = None, digits: str = ".4g") -> str:
        return tr(Msg(f"ux.out.{key}", value=format(value, digits) if value is not None else ""), lang)

    train_t, test_t, best = (_number(threshold.get("train")), _number(threshold.get("test")),
                             _number(optimum.get("train")))
    lines = (svg_chart.Line(say("train_threshold", train_t), train_t, "train"),
             svg_chart.Line(say("test_threshold", test_t), test_t, "test"),
             svg_chart.Line(say("optimum_train", best), best, "optimum"))
    train, test = _curve(d, "train_losses"), _curve(d, "test_losses")
    bad = [i for i, v in enumerate(train + test) if not (math.isfinite(v) and v > 0)]
    note = say("no_curve") if not train and not test else (say("not_finite") if bad else "")
    panels = [svg_chart.Panel(say("your_run"), {"train": train, "test": test}, lines, note)]
    if reference is not None:
        panels.append(svg_chart.Panel(say("reference_run"), {"train": reference.train, "test": reference.test}, lines))
    else:
        panels.append(svg_chart.Panel(say("reference_run"), {}, lines, say("reference_unavailable")))
    low, high = svg_chart.y_range(panels)
    n_epochs = int(d.get("n_epochs") or 1)
    figures = "".join(f"<figure>{svg_chart.render(p, low, high, n_epochs)}</figure>" for p in panels)
    items = [("", "#1f6fb2", say("train")), ("", "#d9730d", say("test")),
             ("d", "#1f6fb2", say("train_threshold", train_t, ".4f")),
             ("d", "#d9730d", say("test_threshold", test_t, ".4f")),
             ("o", "#6b7280", say("optimum", best, ".4f"))]
    legend = (f"<p class=\"legend\">{escape(say('legend'))} " + " ".join(
        f"<span class=\"item\"><span class=\"sw {cls}\" style=\"color:{color}\"></span>{escape(text)}</span>"
        for cls, color, text in items) + "</p>")
    return f"<div class=\"charts\">{figures}</div>{legend}"


def _card(check: CheckResult, reference, lang: str = "en") -> str:
    hidden = (f" <span class=\"name\">{escape(tr(Msg('ux.out.hidden_from_students'), lang))}</span>"
              if check.visibility is Visibility.HIDDEN else "")
    hints = "".join(f"<li>{escape(h)}</li>" for h in check.hints)
    return (f"<section class=\"card {check.status.value}\" id=\"{escape(check.id)}\"><div class=\"head\">"
            f"<span class=\"badge {check.status.value}\">{escape(status_word(check.status, lang))}</span>"
            f"<h2 class=\"id\">{escape(check.id)}</h2><span class=\"name\">{escape(check.name)}</span>{hidden}"
            f"<span class=\"pts\">{points(check.score)}/{points(check.max_score)} · {check.duration_s:.1f} s</span>"
            f"</div><p class=\"msg\">{escape(check.message)}</p>"
            + (f"<ul class=\"hints\">{hints}</ul>" if hints else "") + (charts(check, reference, lang)
                                                                        or descent_chart(check)) + "</section>")


def render(report: SubmissionReport, references: Mapping[str, Any] | None = None) -> str:
    """The page; ``references``: check id -> :class:`grader.data.reference_curves.Curves` (missing: unavailable)."""
    references = references or {}
    lang = lang_of(report)
    cards = "".join(_card(c, references.get(c.id), lang) for c in report.checks)
    title = f"{report.submission.name}: {points(report.score)}/{points(report.max_score)} (grader)"
    return page(title, _header(report, lang) + _summary_table(report, lang) + cards, lang=lang)


def render_index(summary, links: Mapping[str, str], title: str = "Class report") -> str:
    """A class run's index (kept for callers of the first version): :func:`grader.reporters.class_html.render_index`."""
    from grader.reporters import class_html

    return class_html.render_index(summary, links, title=title)
