"""The HTML report in a real headless Chromium, at a phone width and a desktop width: it loads, logs no
console error (a blocked fetch or script would), and its screenshot is not blank.

Needs Debian's ``chromium`` package (run as root, hence ``--no-sandbox``); skipped when it is absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from test_formats import hostile_report, training_check
from test_reporters import make_report

from grader.model import Status
from grader.classmode.summary import summarize
from grader.reporters import html_report, outputs

# Debian's /usr/bin/chromium is a shell script whose /etc/chromium.d/dev-shm breaks where /dev/shm is mounted
# twice (findmnt prints two sizes: "[: unexpected operator", and no page is drawn): the binary it starts is used.
_INSTALLED = shutil.which("chromium")
CHROMIUM = "/usr/lib/chromium/chromium" if _INSTALLED and Path("/usr/lib/chromium/chromium").is_file() else _INSTALLED
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
WIDTHS = [(412, 900), (1280, 900)]


def screenshot(page: Path, tmp_path: Path, width: int, height: int) -> tuple[bytes, str]:
    png = tmp_path / f"{page.stem}-{width}.png"
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
            f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri()]
    # Chromium's singleton socket lives in TMPDIR, whose path this session makes too long for a socket.
    short_tmp = tempfile.mkdtemp(prefix="chromium-", dir="/tmp")
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "TMPDIR": short_tmp})
    finally:
        shutil.rmtree(short_tmp, ignore_errors=True)
    assert png.is_file(), proc.stderr[-2000:]
    return png.read_bytes(), proc.stderr


def console_messages(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line]


def distinct_pixels(png: bytes) -> int:
    """How many different RGB(A) values the image holds (decoded with the standard library)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    bpp = {2: 3, 6: 4}[header[9]]
    raw, stride = zlib.decompress(idat), width * bpp
    prev, colours = bytearray(stride), set()
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 2))
        prev = line
    return len(colours)


def report_page(tmp_path: Path) -> Path:
    from grader.data.reference_curves import Curves

    curves = [2.1, 1.2, 0.9, 0.7, 0.6, 0.5, 0.47, 0.45, 0.44, 0.44]
    report = hostile_report()
    stuck = [3.0, 2.5, 2.4, 2.6, 2.2, 2.5, 2.3, 2.4, 2.2, 2.3]  # a loop that does not converge
    report = replace(report, checks=report.checks + (training_check(stuck, status=Status.FAILED),))
    page = tmp_path / "student.html"
    page.write_text(html_report.render(report, {"train.batch": Curves(tuple(curves), tuple(c * 1.01 for c in curves))}))
    return page


@pytest.mark.parametrize("width,height", WIDTHS)
def test_the_report_loads_without_console_errors_and_draws_something(tmp_path, width, height):
    png, log = screenshot(report_page(tmp_path), tmp_path, width, height)
    assert console_messages(log) == []
    assert distinct_pixels(png) > 20


@pytest.mark.parametrize("width,height", WIDTHS)
def test_the_class_index_loads_without_console_errors(tmp_path, width, height):
    a = make_report()
    rows = [("x", a, str(tmp_path / "x.json"), None),
            ("y", replace(a, submission=replace(a.submission, name="y")), str(tmp_path / "y.json"), None)]
    outputs.write_class(summarize(rows), rows, outputs.parse(["html"]), tmp_path, config=None)
    png, log = screenshot(tmp_path / "index.html", tmp_path, width, height)
    assert console_messages(log) == []
    assert distinct_pixels(png) > 20


def test_the_detectors_catch_a_blank_page_and_a_blocked_fetch(tmp_path):
    blank = tmp_path / "blank.html"
    blank.write_text(html_report.page("blank", ""))
    png, log = screenshot(blank, tmp_path, 412, 900)
    assert distinct_pixels(png) <= 3 and console_messages(log) == []
    fetching = tmp_path / "fetching.html"
    fetching.write_text(html_report.page("fetch", '<img src="http://192.0.2.1/x.png" alt="">'))
    png, log = screenshot(fetching, tmp_path, 412, 900)
    assert any("Content Security Policy" in m for m in console_messages(log))
