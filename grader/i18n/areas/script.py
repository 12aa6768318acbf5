"""Messages of issue 12: the lab's script-style tp1_descente.py, per-file load, notebooks."""

EN = {
    "doing.script": "running {name} as a script",
    # descent.manual on a script
    "script.passed": "script {file}: {iterations} iterations, {epsilon}; loss {first:.4g} → {last:.4g} "
                     "(least-squares optimum of its data {optimum:.4g}); every step is gradient descent on {mse}",
    "script.epsilon": "ε = {value:g} (`{name}`)",
    "script.later_error": "{outcome} (cell {loop_cell}; cell {cell}, run after it, raised {type}: not graded here)",
    "script.epsilon_unknown": "ε not found among the script's numbers (step ε·c = {k:.4g})",
    "script.convention.lab": "the lab's MSE",
    "script.convention.mean": "the element mean 1/(q·p) (accepted)",
    "script.convention.unknown": "the MSE (up to the constant ε·c)",
    "script.no_loop": "{file} was run as a script but never called Linear.forward nor logged parameters: the "
                      "descent loop was not observed (nothing could be checked)",
    "script.final_only": "{file} was run as a script but never called Linear.forward: its final parameters give "
                         "MSE {mse:.4g} (optimum {optimum:.4g}), but the steps could not be checked",
    "script.shapes": "the script's shapes do not fit a linear model x w + b ≈ y: x {x}, y {y}, w {w}, b {b}",
    "script.b_batch_shape": "at iteration {iteration}, b has shape {shape}, the batch's, instead of ({p},)",
    "script.shape_changed": "at iteration {iteration}, the parameters changed shape: w {w0} → {w}, b {b0} → {b}",
    "script.data_changed": "x or y changes between iterations: the grader checks a descent on fixed data",
    "script.one_iteration": "the loop ran {calls} iteration(s): no step to check (loss {loss:.4g})",
    "script.no_update": "the parameters never change over {calls} iterations (loss stays {loss:.4g})",
    "script.diverged": "the loss is no longer finite from iteration {iteration} (it started at {first:.4g}): "
                       "the descent diverged",
    "script.uphill": "the steps go up the gradient (step {k:.3g} × ∇ with the wrong sign): loss {first:.4g} → "
                     "{last:.4g}",
    "script.not_gradient": "step {iteration} is not a gradient step of the MSE: the {parameter} part is "
                           "{ratio:.3g}× what the gradient gives (cosine of that part with the gradient {cosine:.6f})",
    "script.wrong_scale": "the steps are gradient steps of size {k:.4g}, which is {c:.4g} × ε ({name} = "
                          "{epsilon:g}): expected 1 × ε (the lab's MSE) or 1/{p} × ε (element mean)",
    "script.not_decreasing": "the loss recomputed by the grader does not decrease ({first:.4g} → {last:.4g})",
    "hint.script.no_loop": "the grader runs tp1_descente.py as a script: the loop must run at module level or "
                           "under if __name__ == \"__main__\": and go through Linear.forward and MSE.forward",
    "hint.script.no_linear_forward": "compute ŷ with Linear.forward(ctx, x, w, b) in the loop: the grader "
                                     "observes the descent through it",
    "hint.script.shapes": "x (q, n), w (n, p), b (p,) and y (q, p), as in the lab",
    "hint.script.shape_changed": "the update must keep each parameter's shape: w = w - epsilon * grad_w with "
                                 "grad_w of w's shape",
    "hint.script.data_changed": "draw x and y once, before the loop",
    "hint.script.one_iteration": "run the loop for several iterations (the lab uses 100)",
    "hint.script.no_update": "update the parameters the loop uses: w = w - epsilon * grad_w (a helper that "
                             "rebinds its own local variable, or an update of a copy, changes nothing)",
    "hint.script.diverged": "ε is too large for this data, or the update has the wrong sign",
    "hint.script.uphill": "subtract the gradient: w = w - epsilon * grad_w, b = b - epsilon * grad_b",
    "hint.script.not_gradient": "the {parameter} update is off by a factor {ratio:.3g}: check its gradient in "
                                "Linear.backward / MSE.backward and its update line",
    "hint.script.wrong_scale": "the gradient is {c:.3g} × the MSE's: check the factor 2 and the 1/q of "
                               "MSE.backward",
    "hint.script.not_decreasing": "check ε and the sign of the update",
    # load, file by file
    "script.not_handed_in": "skipped: {files} was not handed in",
    "script.found_in": "{names} (expected in {module}.py) found in {other}",
    "script.load_not_handed_in": "{module}.py was not handed in",
    "script.load_script": "{module}.py is a script (no descente function): descent.manual runs it",
    "script.load_script_raised": "{module}.py is a script and raised {type} when run: see descent.manual",
    "script.load_passed": "tp1.py imports and defines every required name; {notes}",
    "script.load_passed_elsewhere": "every name required of tp1.py is defined; {notes}",
    # notebooks
    "script.nb_graded": "{file} graded (code cells in order); cells that raised: {errors}",
    "script.nb_graded_ok": "{file} graded (code cells in order)",
    "script.nb_cell_error": "{text}",
    "script.nb_unreadable": "{file} could not be read as a notebook ({problem}): not graded",
    "script.nb_magics": "{file}: {n} IPython line(s) neutralised, not executed: {lines}",
}

FR = {
    "doing.script": "l'exécution de {name} comme script",
    "script.passed": "script {file} : {iterations} itérations, {epsilon} ; coût {first:.4g} → {last:.4g} "
                     "(optimum des moindres carrés de ses données {optimum:.4g}) ; chaque pas est une descente de "
                     "gradient sur {mse}",
    "script.epsilon": "ε = {value:g} (`{name}`)",
    "script.later_error": "{outcome} (cellule {loop_cell} ; la cellule {cell}, exécutée après, a levé {type} : "
                          "non évalué ici)",
    "script.epsilon_unknown": "ε introuvable parmi les nombres du script (pas ε·c = {k:.4g})",
    "script.convention.lab": "la MSE du TP",
    "script.convention.mean": "la moyenne des éléments 1/(q·p) (acceptée)",
    "script.convention.unknown": "la MSE (à la constante ε·c près)",
    "script.no_loop": "{file} a été exécuté comme script mais n'a jamais appelé Linear.forward ni journalisé de "
                      "paramètres : la boucle de descente n'a pas été observée (rien n'a pu être vérifié)",
    "script.final_only": "{file} a été exécuté comme script mais n'a jamais appelé Linear.forward : ses paramètres "
                         "finaux donnent une MSE de {mse:.4g} (optimum {optimum:.4g}), mais les pas n'ont pas pu "
                         "être vérifiés",
    "script.shapes": "les formes du script ne correspondent pas à un modèle linéaire x w + b ≈ y : x {x}, y {y}, "
                     "w {w}, b {b}",
    "script.b_batch_shape": "à l'itération {iteration}, b a la forme {shape}, celle du lot, au lieu de ({p},)",
    "script.shape_changed": "à l'itération {iteration}, les paramètres ont changé de forme : w {w0} → {w}, "
                            "b {b0} → {b}",
    "script.data_changed": "x ou y change d'une itération à l'autre : le correcteur vérifie une descente sur des "
                           "données fixes",
    "script.one_iteration": "la boucle a fait {calls} itération(s) : aucun pas à vérifier (coût {loss:.4g})",
    "script.no_update": "les paramètres ne changent jamais en {calls} itérations (le coût reste {loss:.4g})",
    "script.diverged": "le coût n'est plus fini à partir de l'itération {iteration} (il partait de {first:.4g}) : "
                       "la descente a divergé",
    "script.uphill": "les pas remontent le gradient (pas {k:.3g} × ∇ avec le mauvais signe) : coût {first:.4g} → "
                     "{last:.4g}",
    "script.not_gradient": "le pas {iteration} n'est pas un pas de gradient de la MSE : la partie {parameter} vaut "
                           "{ratio:.3g}× ce que donne le gradient (cosinus de cette partie avec le gradient {cosine:.6f})",
    "script.wrong_scale": "les pas sont des pas de gradient de taille {k:.4g}, soit {c:.4g} × ε ({name} = "
                          "{epsilon:g}) : attendu 1 × ε (MSE du TP) ou 1/{p} × ε (moyenne des éléments)",
    "script.not_decreasing": "le coût recalculé par le correcteur ne diminue pas ({first:.4g} → {last:.4g})",
    "hint.script.no_loop": "le correcteur exécute tp1_descente.py comme un script : la boucle doit tourner au "
                           "niveau du module ou sous if __name__ == \"__main__\": et passer par Linear.forward et "
                           "MSE.forward",
    "hint.script.no_linear_forward": "calculez ŷ avec Linear.forward(ctx, x, w, b) dans la boucle : c'est par là "
                                     "que le correcteur observe la descente",
    "hint.script.shapes": "x (q, n), w (n, p), b (p,) et y (q, p), comme dans le TP",
    "hint.script.shape_changed": "la mise à jour doit garder la forme de chaque paramètre : w = w - epsilon * "
                                 "grad_w avec grad_w de la forme de w",
    "hint.script.data_changed": "tirez x et y une seule fois, avant la boucle",
    "hint.script.one_iteration": "faites tourner la boucle plusieurs itérations (le TP en fait 100)",
    "hint.script.no_update": "mettez à jour les paramètres qu'utilise la boucle : w = w - epsilon * grad_w (une "
                             "fonction qui réaffecte sa variable locale, ou la mise à jour d'une copie, ne change "
                             "rien)",
    "hint.script.diverged": "ε est trop grand pour ces données, ou la mise à jour a le mauvais signe",
    "hint.script.uphill": "soustrayez le gradient : w = w - epsilon * grad_w, b = b - epsilon * grad_b",
    "hint.script.not_gradient": "la mise à jour de {parameter} est décalée d'un facteur {ratio:.3g} : vérifiez son "
                                "gradient dans Linear.backward / MSE.backward et sa ligne de mise à jour",
    "hint.script.wrong_scale": "le gradient vaut {c:.3g} × celui de la MSE : vérifiez le facteur 2 et le 1/q de "
                               "MSE.backward",
    "hint.script.not_decreasing": "vérifiez ε et le signe de la mise à jour",
    "script.not_handed_in": "ignoré : {files} n'a pas été rendu",
    "script.found_in": "{names} (attendu dans {module}.py) trouvé(s) dans {other}",
    "script.load_not_handed_in": "{module}.py n'a pas été rendu",
    "script.load_script": "{module}.py est un script (sans fonction descente) : descent.manual l'exécute",
    "script.load_script_raised": "{module}.py est un script et a levé {type} à l'exécution : voir descent.manual",
    "script.load_passed": "tp1.py s'importe et définit tous les noms demandés ; {notes}",
    "script.load_passed_elsewhere": "tous les noms demandés à tp1.py sont définis ; {notes}",
    "script.nb_graded": "{file} corrigé (cellules de code dans l'ordre) ; cellules en erreur : {errors}",
    "script.nb_graded_ok": "{file} corrigé (cellules de code dans l'ordre)",
    "script.nb_cell_error": "{text}",
    "script.nb_unreadable": "{file} n'a pas pu être lu comme un notebook ({problem}) : non corrigé",
    "script.nb_magics": "{file} : {n} ligne(s) IPython neutralisée(s), non exécutée(s) : {lines}",
}
