"""The first five minutes (issue 16): grouped rows, the data remedy, timeouts, warnings that say what was accepted."""

EN = {
    # terminal: skipped checks of one cause in one row (grader/reporters/terminal_layout.py)
    "ux.group.checks": {"one": "{n} check", "other": "{n} checks"},
    "ux.group.load": "not run: load did not pass ({ids})",  # (a group holds two checks or more)
    "ux.group.data": "not run: no training data, see below ({ids})",
    "ux.data_remedy": "Training data not available:",
    # load: a syntax error said once, with its line
    "ux.load.syntax_line": ": {code}",
}

FR = {
    "ux.group.checks": {"one": "{n} vérification", "other": "{n} vérifications"},
    "ux.group.load": "non exécutées : load n'a pas réussi ({ids})",
    "ux.group.data": "non exécutées : pas de données d'entraînement, voir plus bas ({ids})",
    "ux.data_remedy": "Données d'entraînement indisponibles :",
    "ux.load.syntax_line": " : {code}",
}
