"""``grader doctor``'s screen: the findings of :mod:`grader.doctor` as a table, remedies below it."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.doctor import FAIL, INFO, OK, WARN, Finding, can_grade

STYLES = {OK: "green", WARN: "yellow", FAIL: "bold red", INFO: "dim"}


def render(findings: list[Finding], console: Console) -> None:
    table = Table(box=box.SIMPLE_HEAD, show_header=True, pad_edge=False)
    table.add_column("what", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("details", overflow="fold")
    for finding in findings:
        table.add_row(finding.topic, Text(finding.status, style=STYLES[finding.status]), Text(finding.value))
    console.print(table)
    remedies = [f for f in findings if f.remedy]
    if remedies:
        todo = Table.grid(padding=(0, 2))
        todo.add_column(no_wrap=True)
        todo.add_column(overflow="fold")
        for finding in remedies:
            todo.add_row(Text(f"  {finding.topic}"), Text(finding.remedy or "", style=STYLES[finding.status]))
        console.print("To do")
        console.print(todo)
    if can_grade(findings):
        console.print(Text("Grading can run on this machine.", style="bold green"))
    else:
        console.print(Text("Grading cannot run properly here: fix what is marked fail.", style="bold red"))
