"""What the student reads, in English or French: one catalogue per language, looked up by key.

Checks never build user-facing text. They return :class:`Msg` records (a key and named
parameters); the runner renders them in the report's language with :func:`render` when it
builds a :class:`~grader.model.CheckResult`, so every reporter receives plain strings.

Catalogues (``en.py``, ``fr.py``) map a key to a :meth:`str.format` template, or to a
``{"one": ..., "other": ...}`` pair chosen by the parameter ``n`` (French counts 0 as
singular). A parameter may itself be a :class:`Msg` or a :class:`Join` (rendered first).
``tests/test_i18n.py`` checks that both catalogues have the same keys and placeholders.
"""

from __future__ import annotations

import os
import string
from typing import Any, Iterable, Mapping

LANGS = ("en", "fr")
DEFAULT_LANG = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX priority order


class Msg:
    """A message to render later: a catalogue key and its named parameters."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    __hash__ = None  # type: ignore[assignment]


class Join:
    """Several messages rendered one after the other, separated by ``sep`` (a catalogue key)."""

    __slots__ = ("items", "sep")

    def __init__(self, items: Iterable[Any], sep: str = "sep.semicolon"):
        self.items = tuple(items)
        self.sep = sep


_CATALOGUES: dict[str, dict[str, Any]] = {}


def catalogue(lang: str) -> Mapping[str, Any]:
    """Every message of ``lang`` (English for an unknown language).

    The core messages live in ``en.py`` / ``fr.py``; a feature area may keep its own in
    ``grader/i18n/areas/<area>.py``, which defines ``EN`` and ``FR`` dicts side by side. Areas
    are found by listing that folder, so adding one touches no shared file. A key defined twice
    is a programming error and raises at the first lookup.
    """
    lang = lang if lang in LANGS else DEFAULT_LANG
    if lang not in _CATALOGUES:
        _CATALOGUES[lang] = _build_catalogue(lang)
    return _CATALOGUES[lang]


def _build_catalogue(lang: str) -> dict[str, Any]:
    import importlib
    import pkgutil

    from grader.i18n import areas

    merged = dict(importlib.import_module(f"grader.i18n.{lang}").MESSAGES)
    for info in sorted(pkgutil.iter_modules(areas.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"grader.i18n.areas.{info.name}")
        extra = getattr(module, lang.upper())
        twice = sorted(set(extra) & set(merged))
        if twice:
            raise RuntimeError(f"message keys defined twice ({info.name}): {twice}")
        merged.update(extra)
    return merged


def render(value: Any, lang: str = DEFAULT_LANG) -> str:
    """The text of a :class:`Msg`, a :class:`Join` or a plain string in ``lang``."""
    if isinstance(value, Join):
        sep = _template(value.sep, lang, {})
        return sep.join(render(item, lang) for item in value.items)
    if not isinstance(value, Msg):
        return str(value)
    params = {name: _param(v, lang) for name, v in value.params.items()}
    return _template(value.key, lang, value.params).format(**params)


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, (Msg, Join)):
        return render(value, lang)
    return value


def _template(key: str, lang: str, params: Mapping[str, Any]) -> str:
    template = catalogue(lang).get(key)
    if template is None:
        template = catalogue(DEFAULT_LANG).get(key)
    if template is None:  # a programming error: the tests set GRADER_I18N_STRICT to catch it; users get the key
        if os.environ.get("GRADER_I18N_STRICT"):
            raise KeyError(f"no message {key!r} in the catalogues")
        return key + "".join(f" {{{name}}}" for name in params)
    if isinstance(template, dict):
        n = params.get("n", 0)
        singular = n == 1 or (lang == "fr" and n == 0)
        return template["one" if singular else "other"]
    return template


def placeholders(template: Any) -> set[str]:
    """The named fields of a template (both forms of a plural pair)."""
    texts = template.values() if isinstance(template, dict) else [template]
    return {field.split(".")[0].split("[")[0] for text in texts
            for _, field, _, _ in string.Formatter().parse(text) if field}


def resolve_lang(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``option`` when given, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    if option:
        lang = option.strip().lower()
        if lang not in LANGS:
            raise ValueError(f"unknown language {option!r}; choose one of {', '.join(LANGS)}")
        return lang
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:  # the first one set wins, even "C"
            lang = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return lang if lang in LANGS else DEFAULT_LANG
    return DEFAULT_LANG


def status_word(status: Any, lang: str) -> str:
    """The word for a :class:`~grader.model.Status` (or its value) in ``lang``."""
    return render(Msg(f"status.{getattr(status, 'value', status)}"), lang)
