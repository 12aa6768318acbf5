"""Similarity across a class: normalisation, winnowing, the handout removed, the class run's outputs
(similarity.json, gradebook, Markdown and HTML sections), merge, and the issue's acceptance case: a class
with two lightly disguised copies among independent correct hand-ins flags that pair and no other.

The hand-ins come from benchmarks/tp1_generator.py (the generator of the threshold study).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from conftest import ROOT, TEMPLATE

sys.path.insert(0, str(ROOT / "benchmarks"))
import tp1_generator as gen  # noqa: E402

from grader.config import GradingConfig  # noqa: E402
from grader.integrity.fingerprint import K, W, fingerprint, handout_hashes, tokens  # noqa: E402
from grader.integrity.similarity import compare, of_class  # noqa: E402
from grader.integrity.sources import read_sources  # noqa: E402

CODE = '''
def descente(x, y, epsilon=0.05, n_iter=100):
    """Ma descente."""
    w = torch.randn(x.shape[1], y.shape[1])  # poids
    b = torch.zeros(y.shape[1])
    losses = []
    for i in range(n_iter):
        ctx = Context()
        loss = MSE.forward(ctx, x @ w + b, y)
        print("loss", loss)
    return w, b, losses
'''
DISGUISED = '''
def descente(x, y, epsilon=0.05, n_iter=100):
    # gradient descent, by hand
    theta = torch.randn(x.shape[1], y.shape[1])
    bias = torch.zeros(y.shape[1])   # the bias
    history = []

    for k in range(n_iter):
        c = Context()
        cost = MSE.forward(c, x @ theta + bias, y)
        print("cost at this step:", cost)
    return theta, bias, history
'''


def test_renamed_names_comments_strings_and_blank_lines_give_the_same_tokens():
    assert [t.text for t in tokens(CODE)] == [t.text for t in tokens(DISGUISED)]
    kept = {t.text for t in tokens(CODE)}
    assert {"torch", "randn", "range", "forward", "print"} <= kept  # API calls and builtins are not renamed
    assert "w" not in kept and "S" in kept  # local names and strings are


def test_a_file_that_does_not_tokenize_is_still_compared():
    broken = CODE + "\n  if (:\n"
    assert len(tokens(broken)) > 40
    assert [t.text for t in tokens(broken)][:10] == [t.text for t in tokens(CODE)][:10]


def test_a_shared_run_of_k_plus_w_tokens_always_shares_a_fingerprint():
    toks = len(tokens(CODE))
    assert toks >= K + W - 1
    a = fingerprint([("a.py", "x = 1\n" * 30 + CODE)])
    b = fingerprint([("b.py", CODE + "y = [2, 3]\n" * 40)])
    assert {p.hash for p in a} & {p.hash for p in b}


def test_the_handout_is_removed():
    handout = read_sources(TEMPLATE)
    assert fingerprint(handout, handout_hashes(handout)) == []
    mine = gen.render(gen.student(5))
    assert len(fingerprint(mine.items(), handout_hashes(handout))) < len(fingerprint(mine.items()))


def test_notebook_code_cells_are_read(tmp_path):
    cells = [{"cell_type": "markdown", "source": ["# TP1"]}, {"cell_type": "code", "source": ["%matplotlib inline\n",
             "import torch\n"]}, {"cell_type": "code", "source": CODE}]
    (tmp_path / "tp1.ipynb").write_text(json.dumps({"cells": cells}))
    (tmp_path / "broken.ipynb").write_text("{not json")
    found = read_sources(tmp_path)
    assert [name for name, _ in found] == ["tp1.ipynb[1]", "tp1.ipynb[2]"]
    assert found[1][1] == CODE


def _class(n: int, copies: int, seed: int):
    handins = [(f"s{k:02d}", list(gen.render(gen.student(seed * 1000 + k)).items())) for k in range(n)]
    for k in range(copies):
        handins.append((f"c{k:02d}", list(gen.render(gen.copy_of(gen.student(seed * 1000 + k), 77 + k)).items())))
    return compare(of_class(handins, handout_hashes(read_sources(TEMPLATE))), GradingConfig().similarity_threshold)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_disguised_copies_are_flagged_and_no_independent_pair(seed):
    result = _class(16, 2, seed)
    assert {(p.a, p.b) for p in result.flagged} == {("c00", "s00"), ("c01", "s01")}
    assert all(p.regions for p in result.flagged)
    assert result.n_pairs == 18 * 17 // 2


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


@pytest.mark.slow
def test_a_class_run_flags_the_copied_pair_and_no_other(tmp_path):
    """The issue's acceptance case, through the command line: evidence in similarity.json, the gradebook,
    the Markdown and HTML summaries; no point changes; ``grader merge`` rebuilds the same file."""
    klass = tmp_path / "class"
    gen.make_class(klass, 7, copies=1, seed=11)
    (tmp_path / "grader.toml").write_text(f'[integrity]\nhandout = "{TEMPLATE}"\n')
    out = tmp_path / "out"
    proc = run_cli("check", str(klass), "--only", "load", "--out", str(out), "--format", "markdown",
                   "--format", "html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((out / "similarity.json").read_text())
    assert set(data) == {"threshold", "handout", "pairs"} and data["handout"] == str(TEMPLATE)
    flagged = [p for p in data["pairs"] if p["flagged"]]
    assert [(p["a"], p["b"]) for p in flagged] == [("copier000", "student000")]
    assert set(flagged[0]) == {"a", "b", "score", "flagged", "regions"}
    region = flagged[0]["regions"][0]
    assert set(region) == {"a_file", "a_lines", "b_file", "b_lines"} and region["a_lines"][0] <= region["a_lines"][1]
    assert all(p["score"] < data["threshold"] for p in data["pairs"][1:])
    with open(out / "gradebook.csv", encoding="utf-8-sig") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["copier000"]["similar_to"] == "student000" and rows["student001"]["similar_to"] == ""
    assert {r["score"] for r in rows.values()} == {"0"}  # --only load: no points, and none taken
    assert "copier000" in (out / "summary.md").read_text().split("## Similar hand-ins")[1]
    assert "<mark>" in (out / "index.html").read_text()
    assert "copier000 and student000" in proc.stdout
    merged = run_cli("merge", str(out / "students"), "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    again = json.loads((tmp_path / "merged" / "similarity.json").read_text())
    assert again["pairs"] == data["pairs"]


def test_the_renderers_escape_student_text_and_add_the_gradebook_column(tmp_path):
    from grader.integrity.similarity import Pair, Region, Similarity
    from grader.reporters import similarity as report

    evil = "<script>alert(1)</script>"
    pair = Pair(evil, "=bob", 0.9, True, (Region("tp1.py", (2, 3), "tp1.py", (1, 2)),))
    result = Similarity(0.75, None, (pair, Pair("ann", "bob", 0.3, False)), 3, 3)
    report.write_json(result, tmp_path / report.FILE)
    codes = {evil: {"tp1.py": "a\n<b>b</b>\nc\nd"}, "=bob": {"tp1.py": "x\ny\nz"}}
    page = report.insert_html("<html><body></body></html>", report.html_section(tmp_path, codes, "fr"))
    assert "<script>" not in page and "&lt;script&gt;" in page and "Rendus similaires" in page
    assert page.count("<mark>") == 4 and page.endswith("</body></html>")
    assert "<script>" not in report.markdown_section(tmp_path) and "1 pair scores" in report.markdown_section(tmp_path)
    (tmp_path / "gradebook.csv").write_text("\ufeffstudent,score,report\n'=bob,1,r1\nann,2,r2\n", encoding="utf-8")
    report.add_gradebook_column(tmp_path / "gradebook.csv", result)
    with open(tmp_path / "gradebook.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["similar_to"] for r in rows] == ["<script>alert(1)</script>", ""]
    assert list(rows[0]) == ["student", "score", "similar_to", "report"]
    empty = Similarity(0.75, None)
    report.write_json(empty, tmp_path / report.FILE)
    assert "no pair of hand-ins scores above 0.75" in report.markdown_section(tmp_path)
