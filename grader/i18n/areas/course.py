"""Messages of the course's own checks (grader.coursechecks, grader.testing), English and French side by side."""

EN = {
    "course.passed": "passed",
    "course.skipped": "skipped: {reason}",
    "course.xfail": "skipped: expected to fail (xfail) {reason}",
    "course.broken": "the course's check is broken (not the student's code): {type}: {text} in its {stage}, at "
                     "{where}; the teacher must fix it (traceback in the report's details)",
    "course.stage.setup": "fixtures",
    "course.stage.call": "test function",
    "course.stage.teardown": "teardown",
    "course.not_run": "the course's check did not run (pytest: {outcome}); the teacher must look at it",
    "course.assert.count": {"one": "{what}: expected {n} value, got {got}",
                            "other": "{what}: expected {n} values, got {got}"},
    "course.assert.none": "{what}: expected None, got {got}",
    "course.checks_header": "Course checks ({path}):",
    "course.checks_hidden": "hidden",
}

FR = {
    "course.passed": "réussi",
    "course.skipped": "ignoré : {reason}",
    "course.xfail": "ignoré : échec attendu (xfail) {reason}",
    "course.broken": "le test du cours est cassé (le code de l'étudiant n'y est pour rien) : {type} : {text} dans "
                     "{stage}, en {where} ; l'enseignant doit le corriger (trace dans les détails du rapport)",
    "course.stage.setup": "ses fixtures",
    "course.stage.call": "sa fonction de test",
    "course.stage.teardown": "son nettoyage (teardown)",
    "course.not_run": "le test du cours ne s'est pas exécuté (pytest : {outcome}) ; l'enseignant doit le vérifier",
    "course.assert.count": {"one": "{what} : {n} valeur attendue, obtenu {got}",
                            "other": "{what} : {n} valeurs attendues, obtenu {got}"},
    "course.assert.none": "{what} : None attendu, obtenu {got}",
    "course.checks_header": "Tests du cours ({path}) :",
    "course.checks_hidden": "caché",
}
