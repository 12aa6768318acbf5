"""Class outputs: re-used reports, the students of frequent failures, the Moodle worksheet's feedback,
the class HTML index. English and French side by side (same keys, same placeholders)."""

EN = {
    "classout.reused": {"one": "{n} report re-used (unchanged hand-in, grader and configuration; --force "
                               "re-grades)",
                        "other": "{n} reports re-used (unchanged hand-ins, grader and configuration; --force "
                                 "re-grades)"},
    "classout.reused_mark": " (re-used)",
    "classout.and_more": "{names} and {n} more",
    "classout.file": "{what}: {file}",
    "classout.moodle_skipped": {"one": "{n} student without a Moodle participant id is not in the worksheet",
                                "other": "{n} students without a Moodle participant id are not in the worksheet"},
    # Moodle feedback comments (HTML built by grader.reporters.moodle; the student reads them in Moodle).
    "classout.feedback.score": "Autograder: {score} / {max} ({counts})",
    "classout.feedback.check": "{id} ({status}, {points}): {message}",
    "classout.feedback.hint": "Hint: {hint}",
    "classout.feedback.skipped": "Not run: {ids}",
    "classout.feedback.all_passed": "Every check passed.",
    "classout.feedback.not_graded": "Not graded automatically: {problem}",
    # The class HTML index.
    "classout.html.title": "Class report",
    "classout.html.students": "{n} students, {graded} graded",
    "classout.html.mean": "mean {mean} / {max} · median {median} / {max}",
    "classout.html.distribution": "Score distribution",
    "classout.html.distribution_alt": "score (out of {max})",
    "classout.html.students_axis": "students",
    "classout.html.pass_rates": "Pass rate per check",
    "classout.html.top_failures": "Most frequent failures",
    "classout.html.students_table": "Students",
    "classout.html.sort": "Sort by:",
    "classout.html.sort_name": "name",
    "classout.html.sort_score": "score",
    "classout.html.sort_check": "(or click a check's name: its failures first)",
    "classout.html.student": "Student",
    "classout.html.score": "Score",
    "classout.html.legend": "✓ passed ✗ failed E error T timeout - skipped · not run",
    "classout.html.not_available": "n/a",
}

FR = {
    "classout.reused": {"one": "{n} rapport réutilisé (rendu, correcteur et configuration inchangés ; --force "
                               "recorrige)",
                        "other": "{n} rapports réutilisés (rendus, correcteur et configuration inchangés ; --force "
                                 "recorrige)"},
    "classout.reused_mark": " (réutilisé)",
    "classout.and_more": "{names} et {n} autres",
    "classout.file": "{what} : {file}",
    "classout.moodle_skipped": {"one": "{n} étudiant sans identifiant de participant Moodle n'est pas dans la "
                                       "feuille de notes",
                                "other": "{n} étudiants sans identifiant de participant Moodle ne sont pas dans la "
                                         "feuille de notes"},
    "classout.feedback.score": "Correcteur automatique : {score} / {max} ({counts})",
    "classout.feedback.check": "{id} ({status}, {points}) : {message}",
    "classout.feedback.hint": "Indice : {hint}",
    "classout.feedback.skipped": "Non exécutés : {ids}",
    "classout.feedback.all_passed": "Toutes les vérifications sont réussies.",
    "classout.feedback.not_graded": "Pas de note automatique : {problem}",
    "classout.html.title": "Rapport de la classe",
    "classout.html.students": "{n} étudiants, {graded} notés",
    "classout.html.mean": "moyenne {mean} / {max} · médiane {median} / {max}",
    "classout.html.distribution": "Répartition des notes",
    "classout.html.distribution_alt": "note (sur {max})",
    "classout.html.students_axis": "étudiants",
    "classout.html.pass_rates": "Taux de réussite par vérification",
    "classout.html.top_failures": "Échecs les plus fréquents",
    "classout.html.students_table": "Étudiants",
    "classout.html.sort": "Trier par :",
    "classout.html.sort_name": "nom",
    "classout.html.sort_score": "note",
    "classout.html.sort_check": "(ou cliquez le nom d'une vérification : ses échecs d'abord)",
    "classout.html.student": "Étudiant",
    "classout.html.score": "Note",
    "classout.html.legend": "✓ réussi ✗ échoué E erreur T délai dépassé - ignoré · non exécuté",
    "classout.html.not_available": "n.d.",
}
