"""``grader config --show``: the effective configuration as a ``grader.toml`` that loads back to the same config.

Each value is followed by where it came from (``default`` or ``FILE:LINE``); each key is preceded by
what it means. Keys that are not set (``pass_mark``, ``data.path``) are printed as comments.
"""

from __future__ import annotations

import json
import math
from typing import Any

from grader import __version__
from grader.config.file import KEYS, Key, Loaded, get


def toml_value(value: Any) -> str:
    """A TOML literal for a bool, int, finite float, string or list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no literal for {value!r} here")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic strings
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML literal for {type(value).__name__}")


def _section_and_name(key: Key) -> tuple[str, str]:
    if key.path.startswith("points."):
        return "points", json.dumps(key.path[len("points."):])
    section, _, name = key.path.rpartition(".")
    return section, name


def _with_course_points(loaded: Loaded) -> list[Key]:
    """Every key, with the course checks' ``[points]`` the file sets (``"course.x" = 3``) after the built-in ones."""
    from grader.config.file import course_points_key

    course = [course_points_key(f"points.{cid}") for cid in loaded.config.points if cid.startswith("course.")]
    keys = list(KEYS)
    last = max(i for i, key in enumerate(keys) if key.path.startswith("points."))
    return keys[:last + 1] + [key for key in course if key is not None] + keys[last + 1:]


def render(loaded: Loaded, target: str | None = None) -> str:
    """The effective configuration of ``loaded`` as TOML text."""
    out = [f"# Effective configuration (grader {__version__})" + (f" for {target}" if target else "")]
    if loaded.file is None:
        out.append("# No configuration file found: every value is the default.")
    else:
        out.append(f"# Read from {loaded.file.absolute()}; command-line options of `grader check` override it.")
    for file in loaded.ignored:
        out.append(f"# ignored: {file} (in the hand-in: a hand-in never configures its own grading)")
    out.append("# After each value: where it came from. Load it back with `grader check --config FILE`.")
    section = ""
    for key in _with_course_points(loaded):
        key_section, name = _section_and_name(key)
        if key_section != section:
            section = key_section
            out += ["", f"[{section}]"]
        if key.doc != "points" or key_section != "points":
            out.append(f"# {key.doc}")
        value = key.to_toml(get(loaded.config, key.field))
        source = loaded.sources.get(key.path, "default")
        if value is None:
            out.append(f"# {name} = (not set)  # {source}")
        else:
            out.append(f"{name} = {toml_value(value)}  # {source}")
    return "\n".join(out) + "\n"
