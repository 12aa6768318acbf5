"""The first five minutes (issue 16): grouped rows, the data remedy, timeouts, warnings that say what was accepted."""

EN = {
    # terminal: skipped checks of one cause in one row (grader/reporters/terminal_layout.py)
    "ux.group.checks": {"one": "{n} check", "other": "{n} checks"},
    "ux.group.load": "not run: load did not pass ({ids})",  # (a group holds two checks or more)
    "ux.group.data": "not run: no training data, see below ({ids})",
    "ux.data_remedy": "Training data not available:",
    # load: a syntax error said once, with its line
    "ux.load.syntax_line": ": {code}",
    # where the student's code raised (grader/failures.py: the child's "tp1.py:40 in forward")
    "ux.where": "{file}:{line} in {function}",
    "ux.not_implemented_doing": "{doing}: not implemented yet (raises NotImplementedError){where}",
    # timeouts, worded for the student (grader/failures.py)
    "ux.timeout.in_function": "your code did not finish within {limit:g} s in {function} (it was stopped)",
    "ux.timeout.doing": "your code did not finish within {limit:g} s while {doing} (it was stopped)",
    "ux.timeout": "your code did not finish within {limit:g} s (it was stopped)",
    "hint.timeout.endless_loop": "look for a loop that never ends (a while whose condition stays true, an index "
                                 "that is not incremented) or one that does far more work than needed (e.g. the "
                                 "loss over the whole data set computed inside the loop over examples)",
    # mse.forward: the element mean, and a backward that cannot be called (grader/checks/mse.py)
    "ux.mse.mean_backward_unavailable": "MSE.forward computes the element mean 1/(q·p) ‖Ŷ−Y‖² (what .mean() "
                                        "gives); the lab defines 1/q ‖Ŷ−Y‖² (q = batch size). The mean is "
                                        "accepted when backward is its gradient, which could not be checked: "
                                        "{error}",
    "hint.mse.mean_backward_unavailable": "divide by q = yhat.shape[0] (the lab's MSE), or keep .mean() and write "
                                          "a backward that is its gradient (divided by q·p)",
    # what the files printed at import time (grader/sandbox/printed.py)
    "ux.printed": {"one": "your files printed {n} line when imported (code that runs on import belongs under "
                          "if __name__ == \"__main__\":):\n{lines}{more}",
                   "other": "your files printed {n} lines when imported (code that runs on import belongs under "
                            "if __name__ == \"__main__\":):\n{lines}{more}"},
    "ux.printed.more": {"one": "\n  … and {n} more line", "other": "\n  … and {n} more lines"},
    # descente's losses: tensors accepted where the lab asks for floats (grader/checks/descent.py)
    "ux.descent.losses_tensors": "descente returned its losses as tensors; the lab asks for Python floats "
                                 "(loss.item()): accepted",
    "hint.descent.bias_not_updated": "b never moves although its gradient is not zero: update it like w, "
                                     "b = b - epsilon * grad_b, with the grad_b that Linear.backward returns",
    # PyTorch's gradcheck messages (grader/checks/gradcheck.py)
    "ux.gradcheck.jacobian_mismatch": "Jacobian mismatch for output {output} with respect to input {input}",
    "ux.gradcheck.not_multiplied": "backward not multiplied by grad_output",
    "ux.gradcheck.not_reentrant": "backward is not reentrant (two backward calls with the same grad_output give "
                                  "different values)",
    "ux.gradcheck.incorrect": "a gradient has the wrong {what}",
    # where the training data came from (grader/data/handover.py)
    "ux.data.bundled": "{name} (bundled with the grader)",
    "ux.data.file": "{name} ({where}, given with --data)",
    "ux.data.env": "{name} ({where}, from GRADER_DATA)",
    "ux.data.sklearn-cache": "{name} ({where}, scikit-learn's cache)",
    # the class table's counts of students per status (grader/reporters/class_reports.py)
    "ux.class.count.failed": {"one": "{n} failed", "other": "{n} failed"},
    "ux.class.count.error": {"one": "{n} error", "other": "{n} errors"},
    "ux.class.count.timeout": {"one": "{n} timeout", "other": "{n} timeouts"},
    "ux.class.count.skipped": {"one": "{n} skipped", "other": "{n} skipped"},
    # Gradescope, JUnit, Markdown and HTML outputs of one report (grader/reporters/)
    "ux.out.hint": "Hint: {text}",
    "ux.out.no_sandbox": "the student's code ran as a plain child process (no sandbox)",
    "ux.out.hidden_from_students": "(hidden from students)",
    "ux.out.your_run": "your run",
    "ux.out.reference_run": "reference run",
    "ux.out.reference_unavailable": "reference run unavailable (no data)",
    "ux.out.no_curve": "no loss curve returned",
    "ux.out.not_finite": "some losses are not finite (diverged)",
    "ux.out.train_threshold": "train threshold {value}",
    "ux.out.test_threshold": "test threshold {value}",
    "ux.out.optimum": "optimum {value}",
    "ux.out.optimum_train": "optimum (train) {value}",
    "ux.out.legend": "loss (MSE, log scale) per epoch:",
    "ux.out.train": "train",
    "ux.out.test": "test",
    # the spinner of a single hand-in (grader/cli.py)
    "ux.spinner.start": "grading {name}: importing your files (limit {limit:g} s) …",
    "ux.spinner.check": "grading {name}: {check} ({i}/{n}, limit {limit:g} s) …",
}

FR = {
    "ux.group.checks": {"one": "{n} vérification", "other": "{n} vérifications"},
    "ux.group.load": "non exécutées : load n'a pas réussi ({ids})",
    "ux.group.data": "non exécutées : pas de données d'entraînement, voir plus bas ({ids})",
    "ux.data_remedy": "Données d'entraînement indisponibles :",
    "ux.load.syntax_line": " : {code}",
    "ux.where": "{file}, ligne {line}, dans {function}",
    "ux.not_implemented_doing": "{doing} : pas encore implémenté (lève NotImplementedError){where}",
    "ux.timeout.in_function": "votre code ne s'est pas terminé en {limit:g} s dans {function} (il a été arrêté)",
    "ux.timeout.doing": "votre code ne s'est pas terminé en {limit:g} s pendant {doing} (il a été arrêté)",
    "ux.timeout": "votre code ne s'est pas terminé en {limit:g} s (il a été arrêté)",
    "hint.timeout.endless_loop": "cherchez une boucle qui ne s'arrête jamais (un while dont la condition reste "
                                 "vraie, un indice jamais incrémenté) ou qui en fait bien plus que nécessaire (par "
                                 "exemple le coût sur toute la base calculé dans la boucle sur les exemples)",
    "ux.mse.mean_backward_unavailable": "MSE.forward calcule la moyenne des éléments 1/(q·p) ‖Ŷ−Y‖² (ce que "
                                        "donne .mean()) ; le TP définit 1/q ‖Ŷ−Y‖² (q = taille du batch). La "
                                        "moyenne est acceptée si backward en est le gradient, ce qui n'a pas pu "
                                        "être vérifié : {error}",
    "hint.mse.mean_backward_unavailable": "divisez par q = yhat.shape[0] (la MSE du TP), ou gardez .mean() et "
                                          "écrivez un backward qui en est le gradient (divisé par q·p)",
    "ux.printed": {"one": "vos fichiers ont affiché {n} ligne à l'import (le code exécuté à l'import va sous "
                          "if __name__ == \"__main__\":) :\n{lines}{more}",
                   "other": "vos fichiers ont affiché {n} lignes à l'import (le code exécuté à l'import va sous "
                            "if __name__ == \"__main__\":) :\n{lines}{more}"},
    "ux.printed.more": {"one": "\n  … et {n} ligne de plus", "other": "\n  … et {n} lignes de plus"},
    "ux.descent.losses_tensors": "descente a renvoyé ses coûts sous forme de tenseurs ; le TP demande des "
                                 "floats Python (loss.item()) : accepté",
    "hint.descent.bias_not_updated": "b ne bouge jamais alors que son gradient n'est pas nul : mettez-le à jour "
                                     "comme w, b = b - epsilon * grad_b, avec le grad_b que renvoie "
                                     "Linear.backward",
    "ux.gradcheck.jacobian_mismatch": "les jacobiennes diffèrent pour la sortie {output} par rapport à "
                                      "l'entrée {input}",
    "ux.gradcheck.not_multiplied": "backward n'est pas multiplié par grad_output",
    "ux.gradcheck.not_reentrant": "backward n'est pas réentrant (deux appels de backward avec le même grad_output "
                                  "donnent des valeurs différentes)",
    "ux.gradcheck.incorrect": "un gradient a un mauvais attribut ({what})",
    "ux.data.bundled": "{name} (fourni avec le correcteur)",
    "ux.data.file": "{name} ({where}, donné par --data)",
    "ux.data.env": "{name} ({where}, donné par GRADER_DATA)",
    "ux.data.sklearn-cache": "{name} ({where}, cache de scikit-learn)",
    "ux.class.count.failed": {"one": "{n} échoué", "other": "{n} échoués"},
    "ux.class.count.error": {"one": "{n} en erreur", "other": "{n} en erreur"},
    "ux.class.count.timeout": {"one": "{n} hors délai", "other": "{n} hors délai"},
    "ux.class.count.skipped": {"one": "{n} non évalué", "other": "{n} non évalués"},
    "ux.out.hint": "Indice : {text}",
    "ux.out.no_sandbox": "le code de l'étudiant a tourné dans un simple processus fils (sans bac à sable)",
    "ux.out.hidden_from_students": "(cachée aux étudiants)",
    "ux.out.your_run": "votre exécution",
    "ux.out.reference_run": "exécution de référence",
    "ux.out.reference_unavailable": "exécution de référence indisponible (pas de données)",
    "ux.out.no_curve": "aucune courbe de coût renvoyée",
    "ux.out.not_finite": "certains coûts ne sont pas finis (divergence)",
    "ux.out.train_threshold": "seuil apprentissage {value}",
    "ux.out.test_threshold": "seuil test {value}",
    "ux.out.optimum": "optimum {value}",
    "ux.out.optimum_train": "optimum (apprentissage) {value}",
    "ux.out.legend": "coût (MSE, échelle log) par époque :",
    "ux.out.train": "apprentissage",
    "ux.out.test": "test",
    "ux.spinner.start": "correction de {name} : import de vos fichiers (limite {limit:g} s) …",
    "ux.spinner.check": "correction de {name} : {check} ({i}/{n}, limite {limit:g} s) …",
}
