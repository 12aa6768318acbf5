"""Similarity across a class, rendered: ``similarity.json``, the class Markdown and HTML sections (flagged
pairs side by side, matched lines highlighted), the gradebook's ``similar_to`` column, terminal lines.

They render a :class:`~grader.integrity.similarity.Similarity` (or the ``similarity.json`` of an output
folder); they compute nothing. Kept apart from the class index and summary renderers on purpose: those
call :func:`markdown_section` / :func:`html_section` and nothing else.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from grader.i18n import Msg, render as tr
from grader.reporters.common import atomic_write
from grader.text import csv_cell, storable_data, visible

FILE = "similarity.json"
MAX_SHOWN_PAIRS, MAX_SHOWN_REGIONS, CONTEXT = 20, 8, 1
COLUMN = "similar_to"


def write_json(similarity, path: Path) -> Path:
    text = json.dumps(storable_data(similarity.to_dict()), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write(Path(path), text)


def read_json(out_dir: Path) -> dict | None:
    """``similarity.json`` of an output folder, or None (no class similarity was computed there)."""
    try:
        data = json.loads((Path(out_dir) / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pairs"), list) else None


def _flagged(data: dict) -> list[dict]:
    return [p for p in data["pairs"] if isinstance(p, dict) and p.get("flagged")]


def _headline(data: dict, lang: str) -> str:
    flagged = _flagged(data)
    threshold = data.get("threshold")
    if flagged:
        return tr(Msg("similarity.flagged", n=len(flagged), threshold=threshold), lang)
    handout = data.get("handout") or tr(Msg("similarity.no_handout"), lang)
    return tr(Msg("similarity.none", threshold=threshold, handout=handout), lang)


def terminal_lines(similarity, lang: str) -> list[str]:
    data = similarity.to_dict()
    lines = [_headline(data, lang)]
    for p in _flagged(data)[:MAX_SHOWN_PAIRS]:
        lines.append("  " + tr(Msg("similarity.pair", a=visible(p["a"], multiline=False),
                                   b=visible(p["b"], multiline=False), score=f"{p['score']:.2f}"), lang))
    return lines


def markdown_section(out_dir: Path, lang: str = "en") -> str:
    """The class summary's section (empty when the folder has no ``similarity.json``)."""
    data = read_json(out_dir)
    if data is None:
        return ""
    lines = ["", f"## {tr(Msg('similarity.title'), lang)}", "", _headline(data, lang), ""]
    for p in _flagged(data)[:MAX_SHOWN_PAIRS]:
        lines.append(f"- **{_md(p['a'])}** and **{_md(p['b'])}**: {p['score']:.2f}")
        for r in p.get("regions", [])[:MAX_SHOWN_REGIONS]:
            lines.append(f"  - `{_md(r['a_file'])}` {r['a_lines'][0]}–{r['a_lines'][1]} ↔ "
                         f"`{_md(r['b_file'])}` {r['b_lines'][0]}–{r['b_lines'][1]}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return (visible(str(text), multiline=False).replace("|", "\\|").replace("*", "\\*").replace("`", "'")
            .replace("<", "&lt;"))


def html_section(out_dir: Path, codes: dict[str, dict[str, str]], lang: str = "en") -> str:
    """The class index's section: each flagged pair's matched regions side by side, matched lines marked."""
    data = read_json(out_dir)
    if data is None:
        return ""
    e = html.escape
    parts = [f"<section class='similarity'><h2>{e(tr(Msg('similarity.title'), lang))}</h2>",
             f"<p>{e(_headline(data, lang))}</p>"]
    for p in _flagged(data)[:MAX_SHOWN_PAIRS]:
        parts.append(f"<h3>{e(p['a'])} ↔ {e(p['b'])}: {p['score']:.2f}</h3>")
        for r in p.get("regions", [])[:MAX_SHOWN_REGIONS]:
            left = _snippet(codes.get(p["a"], {}).get(r["a_file"]), r["a_lines"])
            right = _snippet(codes.get(p["b"], {}).get(r["b_file"]), r["b_lines"])
            parts.append("<table class='pair'><tr>"
                         f"<th>{e(p['a'])} · {e(r['a_file'])}</th><th>{e(p['b'])} · {e(r['b_file'])}</th></tr>"
                         f"<tr><td><pre>{left}</pre></td><td><pre>{right}</pre></td></tr></table>")
    parts.append("<style>.similarity table.pair{width:100%;table-layout:fixed}.similarity pre{overflow-x:auto;"
                 "margin:0}.similarity mark{background:#fde68a}</style></section>")
    return "".join(parts)


def _snippet(text: str | None, lines) -> str:
    if text is None:
        return "(code not available)"
    rows = text.split("\n")
    start, end = int(lines[0]), int(lines[1])
    out = []
    for number in range(max(1, start - CONTEXT), min(len(rows), end + CONTEXT) + 1):
        line = f"{number:>4}  {html.escape(visible(rows[number - 1], multiline=False))}"
        out.append(f"<mark>{line}</mark>" if start <= number <= end else line)
    return "\n".join(out)


def insert_html(page: str, section: str) -> str:
    """``page`` with ``section`` before ``</body>`` (at the end when there is none)."""
    if not section:
        return page
    at = page.rfind("</body>")
    return page + section if at < 0 else page[:at] + section + page[at:]


def add_gradebook_column(gradebook: Path, similarity) -> None:
    """Add ``similar_to`` (the students a flagged pair links each student to, ``;``-separated) to the
    gradebook CSV the class reports wrote, before its last column (``report``)."""
    links = {csv_cell(visible(s, multiline=False)): "; ".join(others)
             for s, others in similarity.similar_to().items()}
    try:
        rows = list(csv.reader(io.StringIO(Path(gradebook).read_text(encoding="utf-8-sig"))))
    except OSError:
        return
    if not rows or COLUMN in rows[0]:
        return
    out = io.StringIO()
    writer = csv.writer(out)
    for i, row in enumerate(rows):
        cell = COLUMN if i == 0 else csv_cell(visible(links.get(row[0], ""), multiline=False)) if row else ""
        writer.writerow(row[:-1] + [cell] + row[-1:] if row else row)
    atomic_write(Path(gradebook), out.getvalue(), encoding="utf-8-sig")
