"""The configuration file: find a ``grader.toml`` (or a ``[tool.grader]`` table), validate it, build a config.

Where: ``--config FILE``, else the file :mod:`grader.config.search` finds on the teacher's side of the
tree (never in the hand-in graded). Every key is optional; a missing key keeps its default (today's
behaviour), and command-line options override the file (:mod:`grader.config.options`).

A bad file raises :class:`ConfigError` naming the file, the key and its line: tomllib gives the line
of a syntax error; for the other errors the line is found in the text by :func:`key_lines`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.config import DEFAULT_POINTS, GradingConfig, TrainingSettings
from grader.config.keys import (COURSE_PREFIX, CONVENTIONS, KEYS, KEYS_BY_PATH, NESTED, ConfigError, Key,  # noqa: F401
                                _did_you_mean, course_points_key)
from grader.handin.safe_read import read_regular

CONFIG_NAME = "grader.toml"
PYPROJECT = "pyproject.toml"
VCS_MARKERS = (".git", ".hg", ".svn")


def get(config: GradingConfig, field: str) -> Any:
    """The value of ``field`` (a :attr:`Key.field`) in ``config``."""
    if field.startswith("points:"):
        return config.points.get(field[len("points:"):], 0)
    group, _, attr = field.partition(".")
    return getattr(getattr(config, group), attr) if attr else getattr(config, field)


def build(values: dict[str, Any], base: GradingConfig | None = None) -> GradingConfig:
    """``base`` (default: the defaults) with ``values`` ({Key.field: value}) applied."""
    base = base or GradingConfig()
    kwargs: dict[str, Any] = {}
    points = dict(base.points)
    settings: dict[str, dict[str, Any]] = {name: {} for name in NESTED}
    for field, value in values.items():
        if field.startswith("points:"):
            points[field[len("points:"):]] = value
        elif "." in field:
            group, attr = field.split(".")
            settings[group][attr] = value
        else:
            kwargs[field] = value
    for name, changes in settings.items():
        if changes:
            current: TrainingSettings = getattr(base, name)
            kwargs[name] = replace(current, **changes)
    return replace(base, points=points, **kwargs)


# --- reading a file -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Loaded:
    config: GradingConfig
    file: Path | None  # None: no file, the defaults
    sources: dict[str, str]  # TOML key -> "FILE:LINE" for the keys the file sets
    ignored: tuple[Path, ...] = ()  # configuration files found in the hand-in, never used


def find_config(start: Path) -> Path | None:
    """The configuration file that applies to ``start`` (a submission, class folder or .zip), or None."""
    from grader.config.search import search

    return search(start).file


def has_tool_grader(pyproject: Path, follow_links: bool = True) -> bool:
    """Whether ``pyproject`` has a ``[tool.grader]`` table; read safely (it may be a hand-in's: a FIFO, a link
    to a device), and only when it is a regular file of at most 1 MB."""
    try:
        text = (read_regular(pyproject, 1024 * 1024, follow_links) or b"").decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not re.search(r"^\s*\[\s*tool\s*\.\s*grader\b|^\s*tool\s*\.\s*grader\b", text, re.M):
        return False
    try:
        return isinstance(_tool_grader(_parse(pyproject, text)), dict)
    except ConfigError:  # invalid TOML that names [tool.grader]: loading it will say where
        return True


def _tool_grader(data: dict[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("grader") if isinstance(tool, dict) else None


def load(explicit: Path | None, start: Path | None) -> Loaded:
    """The configuration from ``explicit`` (``--config``), else the file found for ``start``, else defaults.

    ``config.ignored_configs`` lists the files found in the hand-in and not used (see :mod:`grader.config.search`)."""
    from grader.config.search import Search, search

    found = Search(explicit) if explicit is not None else (search(start) if start is not None else Search(None))
    ignored = tuple(str(f) for f in found.ignored)
    if found.file is None:
        return Loaded(GradingConfig(ignored_configs=ignored), None, {}, found.ignored)
    if not found.file.is_file():
        raise ConfigError(found.file, "no such configuration file")
    loaded = load_file(found.file)
    return replace(loaded, config=replace(loaded.config, ignored_configs=ignored), ignored=found.ignored)


def load_file(file: Path) -> Loaded:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, f"cannot read it: {exc}") from None
    data = _parse(file, text)
    prefix = ""
    if file.name == PYPROJECT:
        table = _tool_grader(data)
        if not isinstance(table, dict):
            raise ConfigError(file, "no [tool.grader] table")
        data, prefix = table, "tool.grader."
    lines = KeyLines(text)
    values, sources, errors = {}, {}, []
    for path, value in flatten(data):
        if value == {} and _is_section(path):  # an empty [train.sgd]: nothing to set
            continue
        line = lines.line_of(prefix + path, value)
        key = KEYS_BY_PATH.get(path) or course_points_key(path)
        if key is None:
            errors.append(ConfigError(file, _unknown(path), prefix + path, line))
            continue
        if key.field in values:
            errors.append(ConfigError(file, "given twice (e.g. as \"mse.forward\" and as mse.forward)",
                                      prefix + path, line))
            continue
        try:
            values[key.field] = key.parse(value)
        except ValueError as exc:
            errors.append(ConfigError(file, str(exc), prefix + path, line))
            continue
        if key.field in ("data_path", "handout"):
            values[key.field] = os.path.normpath(file.parent.absolute() / os.path.expanduser(value))
        if key.field == "course_checks":
            values[key.field] = tuple(os.path.normpath(file.parent.absolute() / os.path.expanduser(v)) for v in value)
        sources[path] = f"{file}:{line}" if line else str(file)
    if errors:  # every bad key at once, not one per run
        raise errors[0].with_others(errors[1:])
    config = replace(build(values), config_file=str(file.absolute()))
    return Loaded(config, file, sources)


def _parse(file: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        line = int(found.group(1)) if found else None
        reason = message[:found.start()] if found else message
        raise ConfigError(file, f"invalid TOML: {reason}" + (f" (column {found.group(2)})" if found else ""),
                          line=line) from None


def _is_section(path: str) -> bool:
    return any(known.startswith(path + ".") for known in KEYS_BY_PATH)


def _unknown(path: str) -> str:
    if _is_section(path):
        inside = [k[len(path) + 1:] for k in KEYS_BY_PATH if k.startswith(path + ".")]
        return f"expected a table (keys: {', '.join(inside[:4])}{', ...' if len(inside) > 4 else ''})"
    head, _, rest = path.partition(".")
    if head == "points" and rest:
        return f"unknown check id {rest!r}{_did_you_mean(rest, DEFAULT_POINTS)}"
    return f"unknown key{_did_you_mean(path, KEYS_BY_PATH)}"


def flatten(table: dict[str, Any], path: str = ""):
    """``{"train": {"sgd": {"epsilon": 1}}}`` -> ``("train.sgd.epsilon", 1)``; lists and empty tables are leaves.

    ``points."mse.forward"`` and ``points.mse.forward`` both give ``points.mse.forward``.
    """
    for name, value in table.items():
        full = f"{path}.{name}" if path else name
        if isinstance(value, dict) and value:
            yield from flatten(value, full)
        else:
            yield full, value


# --- lines of keys ------------------------------------------------------------------------------------------

_BARE = r"[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*'"
_DOTTED = rf"(?:{_BARE})(?:\s*\.\s*(?:{_BARE}))*"
_HEADER = re.compile(rf"^\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^({_DOTTED})\s*=")


def _split(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in re.findall(rf"\s*(?:{_BARE})\s*", dotted)]


class KeyLines:
    """Where each key of a TOML text is set: tomllib keeps no positions, so the text is scanned."""

    def __init__(self, text: str):
        self.rows = text.splitlines()
        self.lines: dict[str, int] = {}
        table: list[str] = []
        for number, raw in enumerate(self.rows, 1):
            line = raw.strip()
            header = _HEADER.match(line)
            if header:
                table = _split(header.group(1))
                self.lines.setdefault(".".join(table), number)
                continue
            assign = _ASSIGN.match(line)
            if assign:
                self.lines.setdefault(".".join(table + _split(assign.group(1))), number)

    def line_of(self, path: str, value: Any = None) -> int | None:
        """The line of ``path`` or of its closest enclosing key; for a list, the line of its first bad item."""
        parts = path.split(".")
        line = next((self.lines[k] for k in (".".join(parts[:end]) for end in range(len(parts), 0, -1))
                     if k in self.lines), None)
        if line and isinstance(value, list):
            bad = [v for v in value if not isinstance(v, str) or (v not in DEFAULT_POINTS and v not in CONVENTIONS)]
            if bad:
                quoted = (f'"{bad[0]}"', f"'{bad[0]}'") if isinstance(bad[0], str) else (repr(bad[0]),)
                for offset, row in enumerate(self.rows[line - 1: line + 49]):
                    if any(q in row for q in quoted):
                        return line + offset
        return line
