"""The message catalogues: same keys and placeholders in both languages, every key the code uses exists,
the language comes from --lang or the locale, and the reports speak it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from grader.config import DEFAULT_POINTS
from grader.i18n import LANGS, Join, Msg, catalogue, placeholders, render, resolve_lang
EN, FR = catalogue("en"), catalogue("fr")  # core + every area of grader/i18n/areas/

ROOT = Path(__file__).resolve().parents[1]
CHECK_IDS = tuple(DEFAULT_POINTS)


def test_both_catalogues_have_the_same_keys():
    assert set(EN) == set(FR)


@pytest.mark.parametrize("key", sorted(EN))
def test_same_placeholders_and_plural_forms_per_key(key):
    english, french = EN[key], FR[key]
    assert placeholders(english) == placeholders(french), key
    assert type(english) is type(french)
    if isinstance(english, dict):
        assert set(english) == set(french) == {"one", "other"}
        assert "n" in placeholders(english)


def _string_literals() -> set[str]:
    found = set()
    for path in list((ROOT / "grader").rglob("*.py")):
        if "i18n" in path.parts or (path.parent.name == "config" and path.name in ("file.py", "keys.py", "show.py")):
            continue  # (those name grader.toml keys such as "descent.epsilon", not messages)
        found |= set(re.findall(r'"((?:load|mse|linear|context|gradcheck|descent|train)\.[a-z_0-9.]+)"',
                                path.read_text(encoding="utf-8")))
    return found


def test_every_id_or_key_the_code_names_has_a_message():
    missing = [s for s in _string_literals()
               if s not in CHECK_IDS and s not in EN and f"hint.{s}" not in EN
               and not s.endswith(".")]
    assert missing == []


def test_every_check_has_a_name_in_both_languages():
    for check_id in CHECK_IDS:
        assert f"check.{check_id}" in EN and f"check.{check_id}" in FR
    assert render(Msg("check.descent.manual"), "fr") == "Descente de gradient à la main (tp1_descente.descente)"


def test_render_nested_messages_plurals_and_joins():
    msg = Msg("compare.type", what="grad_y", shape="(4, 3)", got=Msg("describe.sequence", kind="tuple", n=1))
    assert render(msg, "en") == "grad_y: expected a tensor of shape (4, 3), got a tuple of 1 element"
    assert render(msg, "fr") == "grad_y : attendu un tenseur de forme (4, 3), obtenu un tuple de 1 élément"
    both = Join([Msg("load.missing_file", module="tp1"), Msg("load.missing_file", module="tp1_descente")])
    assert render(both, "fr") == "tp1.py est absent ; tp1_descente.py est absent"
    assert render("plain text", "fr") == "plain text"
    assert render(Msg("class.students", n=0, graded=0), "fr").startswith("0 étudiant,")


def test_the_french_is_written_in_french():
    text = " ".join(v if isinstance(v, str) else " ".join(v.values()) for v in FR.values())
    for word in ("descente de gradient", "rétropropagation", "échoué", "réussi", "indice", "époque"):
        assert word in text.lower(), word
    assert catalogue("fr")["status.passed"] == "réussi"


@pytest.mark.parametrize("option, environ, lang", [
    ("fr", {"LANG": "en_US.UTF-8"}, "fr"),
    ("EN", {"LC_ALL": "fr_FR.UTF-8"}, "en"),
    (None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"LANG": "fr_BE.UTF-8"}, "fr"),
    (None, {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
    (None, {"LANG": "de_DE.UTF-8"}, "en"),
    (None, {}, "en"),
])
def test_language_from_option_then_locale_then_english(option, environ, lang):
    assert resolve_lang(option, environ) == lang


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en, fr"):
        resolve_lang("de", {})
    assert set(LANGS) == {"en", "fr"}


def test_terminal_report_in_french(monkeypatch):
    from dataclasses import replace

    from test_reporters import make_report

    from grader.reporters import terminal

    report = make_report()
    report = replace(report, environment={**report.environment, "lang": "fr"})
    out = io.StringIO()
    terminal.render(report, Console(file=out, width=120, force_terminal=False))
    text = out.getvalue()
    for words in ("Vérification", "réussi", "échoué", "erreur", "temps dépassé", "non évalué", "Indices",
                  "Note 2 / 10", "2 réussies", "attention : matplotlib"):
        assert words in text, words


def test_class_table_in_french():
    from test_reporters import make_report

    from grader.classmode.summary import summarize
    from grader.reporters.class_reports import render_class_table

    summary = summarize([("x", make_report(), None, None), ("y", None, None, "crash")])
    out = io.StringIO()
    render_class_table(summary, Console(file=out, width=100, force_terminal=False), "fr")
    text = out.getvalue()
    for words in ("Classe", "2 étudiants, 1 corrigé", "Étudiant", "(non corrigé)", "Échecs les plus fréquents",
                  "non exécuté"):
        assert words in text, words


def test_a_missing_key_raises_under_the_tests_and_shows_the_key_to_users(monkeypatch):
    with pytest.raises(KeyError):
        render(Msg("no.such.key", n=1), "fr")  # conftest sets GRADER_I18N_STRICT
    monkeypatch.delenv("GRADER_I18N_STRICT")
    assert render(Msg("no.such.key", n=1), "fr") == "no.such.key 1"
