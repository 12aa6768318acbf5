"""Text that comes from a student (messages, names, file names, replies) made safe to store and to show.

Student text can hold anything a Python string can: terminal escape sequences (cursor moves, a
cleared screen, a fake "Score 20 / 20", an OSC 52 clipboard write), carriage returns that overwrite
a line, bidirectional overrides that reorder what is shown, and lone surrogates (a file name that
is not UTF-8, as ``os.listdir`` returns it, or a ``"\\udcff"`` in an exception message) that no
UTF-8 file can hold. The helpers here never drop information silently: what cannot be shown as it
is is shown as its Python escape (``\\x1b``, ``\\u202e``, ``\\udcff``), so a teacher sees that it
was there.

- :func:`visible`: for the terminal and everything a person reads (class table, progress lines,
  HTML, Markdown, JUnit, Gradescope, the gradebook): control characters, bidi controls,
  line/paragraph separators and lone surrogates as escapes (newlines and tabs kept in multi-line
  text).
- :func:`storable`: for JSON, which keeps control characters as data (JSON escapes them): only
  lone surrogates as escapes, so the text encodes to strict UTF-8; :func:`storable_data` does it
  through nested data.
- :func:`bounded`: a reply field that must be a string, cut to a length.
- :func:`os_name`: a file or folder name from the file system or a zip, decoded for display.
- :func:`csv_cell`: a spreadsheet cell that cannot start a formula.
"""

from __future__ import annotations

import os
import re
from typing import Any

# C0 controls (tab and newline are handled by the caller's choice), DEL, C1 controls, the Arabic
# letter mark, LRM/RLM, line and paragraph separators, the bidi embeddings/overrides/isolates, and
# every surrogate code point (a lone one cannot be encoded; a pair cannot occur in a Python str).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_MULTILINE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_ONE_LINE = re.compile(f"[\t\n{_UNSAFE}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: Any, *, multiline: bool = True) -> str:
    """``text`` with every character that could act on a terminal, or reorder or hide text, shown as
    its escape (``"\\x1b[2J"`` for ESC [2J); ``multiline`` keeps newlines (a Windows line end
    becomes one) and tabs, but never a lone carriage return, which would overwrite the line."""
    text = str(text)
    if multiline:
        return _UNSAFE_MULTILINE.sub(_escape, text.replace("\r\n", "\n"))
    return _UNSAFE_ONE_LINE.sub(_escape, text)


def storable(text: str) -> str:
    """``text`` with lone surrogates shown as their escape (``"\\udcff"``): it then encodes to strict UTF-8."""
    return _SURROGATE.sub(_escape, text)


def storable_data(value: Any) -> Any:
    """:func:`storable` applied to every string (keys included) in nested dicts, lists and tuples."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable_data(k): storable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable_data(v) for v in value]
    return value


def bounded(value: Any, limit: int, default: str = "") -> str:
    """``value`` if it is a string (cut to ``limit`` characters, marked with "…"), else ``default``.

    For fields of a student process's reply: anything but a string is ignored rather than
    converted (``str()`` of a hostile nested value can be huge or recurse without end)."""
    if not isinstance(value, str):
        return default
    return value if len(value) <= limit else value[: limit - 1] + "…"


def os_name(name: str) -> tuple[str, bool]:
    """A name from the file system (``os.listdir``: bytes that are not UTF-8 are lone surrogates) for
    display: ``(name, True)`` when it is valid UTF-8, else its bytes read as Windows-1252 (what
    French, German or Spanish Windows tools write), undefined bytes as U+FFFD, and ``False``."""
    if not _SURROGATE.search(name):
        return name, True
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # a surrogate that no byte stands for: not from the file system
        return storable(name), False
    return decode_name(raw)


def decode_name(raw: bytes) -> tuple[str, bool]:
    """Bytes of a file name: ``(UTF-8 text, True)``, else ``(Windows-1252 text, False)``."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), False


def csv_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    line break (a formula, e.g. ``=HYPERLINK(...)``, in Excel, LibreOffice or Google Sheets) gets a
    leading ``'``, as OWASP recommends."""
    return "'" + text if text.startswith(FORMULA_START) else text
