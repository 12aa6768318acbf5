"""Catalogue français : chaque message que lit l'étudiant. Mêmes clés et mêmes paramètres que en.py."""

MESSAGES = {
    # séparateurs
    "sep.semicolon": " ; ",
    "sep.comma": ", ",
    # statuts
    "status.passed": "réussi",
    "status.failed": "échoué",
    "status.error": "erreur",
    "status.timeout": "temps dépassé",
    "status.skipped": "non évalué",
    # noms des vérifications
    "check.load": "Import du rendu",
    "check.mse.forward": "MSE forward",
    "check.mse.backward": "MSE backward (appel direct)",
    "check.mse.gradcheck": "gradcheck de MSE (float64)",
    "check.linear.forward": "Linear forward",
    "check.linear.backward": "Linear backward (appel direct)",
    "check.linear.gradcheck": "gradcheck de Linear (float64)",
    "check.context.isolation": "Isolation du Context (appels entrelacés)",
    "check.descent.manual": "Descente de gradient à la main (tp1_descente.descente)",
    "check.train.batch": "Descente de gradient batch (autograd)",
    "check.train.sgd": "Descente de gradient stochastique (autograd)",
    "check.train.minibatch": "Descente de gradient par mini-batch (autograd)",
    # descriptions de valeurs
    "describe.none": "None",
    "describe.nothing": "rien",
    "describe.tensor": "un tenseur de forme {shape}",
    "describe.sequence": {"one": "un {kind} de {n} élément", "other": "un {kind} de {n} éléments"},
    "describe.bool": "un booléen ({value})",
    "describe.number": "un {kind} Python ({value:.6g})",
    "describe.object": "un objet de type {kind}",
    # comparaisons
    "compare.type": "{what} : attendu un tenseur de forme {shape}, obtenu {got}",
    "compare.want_scalar": "un scalaire, de forme ()",
    "compare.want_shape": "la forme {shape}",
    "compare.shape": "{what} : attendu {wanted}, obtenu la forme {shape}",
    "compare.dtype": "{what} : attendu des valeurs à virgule flottante, obtenu le dtype {dtype}",
    "compare.nonfinite": {"one": "{what} : contient {n} valeur non finie (nan ou inf), à l'indice {index}",
                          "other": "{what} : contient {n} valeurs non finies (nan ou inf), la première à "
                                   "l'indice {index}"},
    "compare.values": "{what} : éléments différents {count} / {total} ; plus grand écart {diff:.3g} à l'indice "
                      "{index} (attendu {expected:.6g}, obtenu {got:.6g}, écart relatif {rel:.2g}) ; "
                      "rtol={rtol:g}, atol={atol:g}",
    "compare.values_scalar": "{what} : attendu {expected:.6g}, obtenu {got:.6g} (écart {diff:.3g}, "
                             "écart relatif {rel:.2g}) ; rtol={rtol:g}, atol={atol:g}",
    "what.mse_forward": "MSE.forward sur la forme {shape}",
    "what.context_gradient": "{function}.backward, gradient {i} du {call}",
    # non évalué, erreurs, temps dépassé, avertissements
    "skipped.needs": "non évalué : il faut {names}, que `load` n'a pas trouvé",
    "skipped.name_in": "{name} dans {file}",
    "skipped.data": "non évalué : {problem}",
    "skipped.nothing": "non évalué : rien à corriger (voir load)",
    "doing.calling": "l'appel de {name}",
    "doing.creating": "la création de {name}",
    "doing.importing": "l'import de {name}",
    "doing.sending": "l'envoi d'un tenseur",
    "doing.backward": "la rétropropagation",
    "error.at": " (à {where})",
    "error.not_implemented": "{name} n'est pas encore implémenté (lève NotImplementedError){where}",
    "error.raised_doing": "{doing} a levé {type} : {message}{where}",
    "error.raised": "{type} : {message}{where}",
    "timeout.submission": "non exécuté : le temps alloué à la soumission ({limit:g} s) a été épuisé par les "
                          "tests précédents",
    "error.crashed": "le processus de l'étudiant s'est arrêté brutalement : {reason}",
    "error.crashed_importing": "le processus de l'étudiant s'est arrêté brutalement : {reason} pendant l'import "
                               "de {file} (un exit ou un plantage à l'import)",
    "error.protocol": "le processus de l'étudiant a envoyé une réponse que le correcteur refuse : {reason}",
    "error.internal": "erreur interne du correcteur dans cette vérification : {type} : {text}",
    "warning.stub": "{module} n'est pas installé ici : remplacé par un module de substitution qui laisse le code "
                    "s'exécuter mais n'affiche, ne dessine et n'enregistre rien",
    "warning.stub_data": "{module} n'est pas installé ici : remplacé par un module de substitution sans données "
                         "(utiliser ses données est une erreur)",
    # load
    "load.passed": "les trois fichiers s'importent et définissent tous les noms demandés",
    "load.missing_file": "{module}.py est absent",
    "load.not_imported": "{module}.py n'a pas été importé (l'import de tp1.py a échoué avant)",
    "load.at": " (à {where})",
    "load.import_raised": "l'import de {module}.py a levé {type} : {message}{where}",
    "load.no_name": "{module}.py ne définit pas `{name}`",
    "load.no_name_instead": "{module}.py ne définit pas `{name}` ; trouvé à la place : {instead}",
    "load.not_a_submission": "ce n'est pas un rendu : {problem}",
    # le rendu : quel tp1.py, ce que contient la copie de l'étudiant, quelle configuration
    "handin.no_tp1": "{folder} ne contient pas de tp1.py (trouvé : {found})",
    "handin.empty": "{folder} ne contient pas de tp1.py (le dossier est vide)",
    "handin.more": {"one": "et {n} autre", "other": "et {n} autres"},
    "handin.link_not_followed": "{name} (un lien symbolique, non suivi)",
    "handin.tp1_not_a_file": "{path} est un dossier, pas un fichier : rendez le fichier tp1.py lui-même",
    "handin.tp1_link_outside": "{path} est un lien symbolique qui sort du rendu, non suivi : rendez le fichier "
                               "lui-même",
    "handin.too_large": "{folder} contient plus de {n} fichiers et dossiers : trop pour un seul rendu",
    "handin.same_depth": "{n} tp1.py à la même profondeur ; noté : {graded}",
    "handin.renamed": "{name} noté comme {lab}",
    "copy.left_out": "laissé hors de la copie où s'exécute le code de l'étudiant (au plus {per_file} par fichier, "
                     "{total} et {files} fichiers en tout, les moins profonds et les plus petits d'abord) : {items}",
    "copy.group": {"one": "{name} ({n} fichier, {size})", "other": "{name} ({n} fichiers, {size})"},
    "copy.truncated": "tout ce qui suit les {n} premières entrées",
    "copy.links": "liens symboliques non suivis (ils sortent du dossier ou mènent à un dossier ; le correcteur ne "
                  "lit jamais un fichier hors du rendu) : {names}",
    "copy.special": "laissés de côté, ce ne sont pas des fichiers ordinaires : {names}",
    "copy.lab_not_a_file": "{name} est un dossier, pas un fichier",
    "config.ignored": "{file} n'a pas été utilisé : un fichier de configuration dans le rendu (ou dans un dossier "
                      "qui ne contient que ce rendu) peut venir de l'étudiant ; celui du cours se place au-dessus "
                      "du rendu, ou se donne avec --config FICHIER",
    "config.explicit_inside": "la configuration a été lue dans {file}, à l'intérieur du rendu (donnée avec "
                              "--config) : un étudiant a pu l'écrire",
    # MSE
    "mse.forward.passed": "1/q ‖Ŷ−Y‖² correct sur les formes {shapes}",
    "mse.forward.wrong": "MSE.forward est faux",
    "mse.forward.mean_rejected": "MSE.forward calcule la moyenne sur tous les éléments 1/(q·p) ‖Ŷ−Y‖² (ce que "
                                 "donne .mean()) ; le TP définit 1/q ‖Ŷ−Y‖² (q = taille du batch) (refusé : "
                                 "réglage MSE strict)",
    "mse.forward.disagree": "forward et backward ne concordent pas : forward calcule la moyenne sur tous les "
                            "éléments 1/(q·p) ‖Ŷ−Y‖² (ce que donne .mean()), mais backward {backward}",
    "mse.backward_is_lab": "est le gradient du 1/q ‖Ŷ−Y‖² du TP",
    "mse.backward_is_neither": "n'est le gradient d'aucune des deux",
    "mse.forward.mean_accepted": "accepté : MSE.forward calcule la moyenne sur tous les éléments 1/(q·p) ‖Ŷ−Y‖² "
                                 "(ce que donne .mean() ; le TP définit 1/q, les deux coïncident seulement si "
                                 "p = 1) ; son backward est cohérent",
    "mse.backward.count": "MSE.backward doit renvoyer 2 gradients (grad_yhat, grad_y), obtenu {got}",
    "mse.backward.passed": "les deux gradients sont corrects, forme (4, 3), grad_output = {g}",
    # gradcheck
    "gradcheck.passed": "gradcheck réussi en float64, et la fonction calcule la bonne valeur",
    "gradcheck.not_tensor": "{function} a renvoyé {got}, pas un tenseur",
    "gradcheck.failed": "gradcheck a échoué : {head}",
    "gradcheck.failed_at": "gradcheck a échoué : ∂out{output}/∂{input}{index} : numérique {numerical:.6g}, "
                           "analytique (votre backward) {analytical:.6g} ({head})",
    "gradcheck.could_not_run": "gradcheck n'a pas pu s'exécuter : {text}",
    # Linear
    "linear.forward.passed": "X @ W + b correct avec X ({q}, {n}), W ({n}, {p}), b ({p},)",
    "linear.forward.raised": "Linear.forward(ctx, X, W, b) a levé {type} : {message}",
    "linear.backward.count": "Linear.backward doit renvoyer 3 gradients (grad_X, grad_W, grad_b), obtenu {got}",
    "linear.backward.passed": "les trois gradients sont corrects, de la forme de leur entrée ({q}, {n}), "
                              "({n}, {p}), ({p},)",
    # Context
    "context.call.first": "premier appel",
    "context.call.second": "second appel",
    "context.call.again": "second backward sur le même Context",
    "context.count_differs": "{function} : le backward du {call} a renvoyé {got}, mais {want} quand il est "
                             "appelé seul",
    "context.none_once": "le gradient {i} vaut None dans un seul des deux cas",
    "context.interleaved_failed": "{function} : {message} (deux forward, puis leurs backward)",
    "context.twice_failed": "{function} : {message} (un forward, puis deux backward)",
    "context.got_other_call": "le backward du {call} a renvoyé les gradients de l'autre appel",
    "context.passed": "{functions} : deux appels entrelacés donnent les mêmes gradients que des appels séparés, "
                      "et un second backward le même résultat que le premier",
    # descente à la main
    "descent.not_a_triple": "attendu (w, b, losses), obtenu {got}",
    "descent.bad_w": "w : attendu un tenseur de forme ({n}, {p}), obtenu {got}",
    "descent.b_batch_shape": "b : attendu un tenseur de forme ({p},), obtenu la forme {shape}, celle du batch",
    "descent.bad_b": "b : attendu un tenseur de forme ({p},) ou (1, {p}), obtenu {got}",
    "descent.wrong_parameters": "descente a renvoyé de mauvais paramètres : {problem}",
    "descent.not_finite": "les paramètres renvoyés ne sont pas finis (MSE {mse}) : la descente a divergé",
    "descent.above_threshold": "MSE des paramètres renvoyés {mse:.4g} > seuil {threshold:.4g} (optimum des "
                               "moindres carrés {optimum:.4g} + {margin:.0%})",
    "descent.losses_missing": "losses doit être la liste du coût à chaque itération, obtenu {got}",
    "descent.losses_not_decreasing": "le coût renvoyé ne diminue pas ({first:.4g} → {last:.4g}) alors que les "
                                     "paramètres sont bons",
    "descent.passed": "MSE {mse:.4g} ≤ {threshold:.4g} (optimum {optimum:.4g}) après {n_iter} itérations",
    # apprentissage
    "train.not_a_tuple": "attendu (w, b, train_losses, test_losses), obtenu {got}",
    "train.bad_w": "w : attendu un tenseur de forme ({n}, 1), obtenu {got}",
    "train.bad_b": "b : attendu un tenseur de forme (1,), obtenu {got}",
    "train.wrong_return": "{function} n'a pas renvoyé ce qu'il faut : {problem}",
    "train.label.batch": "descente batch",
    "train.label.sgd": "descente stochastique",
    "train.label.minibatch": "descente par mini-batch",
    "train.not_finite": "les paramètres renvoyés ne sont pas finis : la {label} a divergé",
    "train.parts.train": "MSE d'apprentissage",
    "train.parts.test": "MSE de test",
    "train.parts.train_test": "MSE d'apprentissage et de test",
    "train.above": "{parts} au-dessus du seuil : {summary}",
    "train.summary": {"one": "MSE d'apprentissage {train:.4f} (≤ {train_threshold:.4f}), de test {test:.4f} "
                             "(≤ {test_threshold:.4f}) ; optimum {optimum_train:.4f} / {optimum_test:.4f} ; "
                             "{n} époque",
                      "other": "MSE d'apprentissage {train:.4f} (≤ {train_threshold:.4f}), de test {test:.4f} "
                               "(≤ {test_threshold:.4f}) ; optimum {optimum_train:.4f} / {optimum_test:.4f} ; "
                               "{n} époques"},
    # indices : un par diagnostic (details["diagnosis"] dans le rapport JSON)
    "hint.load.missing_file": "rendez aussi {module}.py : le correcteur a besoin des trois fichiers tp1.py, "
                              "tp1_descente.py et tp1_autograd.py",
    "hint.load.missing_module": "un module importé par votre fichier n'est pas disponible pour le correcteur : "
                                "importez-le seulement là où vous l'utilisez, ou sous "
                                "if __name__ == '__main__':",
    "hint.load.misnamed": "renommez {found} en {name} dans {module}.py : le correcteur et les scripts du TP "
                          "utilisent exactement ce nom",
    "hint.load.import_timeout": "l'import de votre fichier est trop long : le code qui entraîne ou trace des "
                                "courbes à l'import doit aller sous if __name__ == '__main__':",
    "hint.load.not_a_submission": "le dossier doit contenir tp1.py (ainsi que tp1_descente.py et "
                                  "tp1_autograd.py)",
    "hint.mse.sum": "pas de normalisation : divisez la somme des carrés par q (la taille du batch)",
    "hint.mse.not_squared": "les écarts ne sont pas élevés au carré : ((yhat - y) ** 2).sum() / q",
    "hint.mse.signed": "les écarts ne sont pas élevés au carré (et leurs signes se compensent) : "
                       "((yhat - y) ** 2).sum() / q",
    "hint.mse.norm_not_squared": "dans la MSE du TP, ‖Ŷ−Y‖ est au carré : utilisez ((yhat - y) ** 2).sum() / q",
    "hint.mse.unreduced": "renvoie la matrice des erreurs au carré : la MSE est un scalaire, "
                          "((yhat - y) ** 2).sum() / q",
    "hint.mse.unreduced_over_q": "renvoie une matrice (les erreurs au carré divisées par q) : la MSE est un "
                                 "scalaire, la somme sur tous les éléments : ((yhat - y) ** 2).sum() / q",
    "hint.mse.per_column": "renvoie une valeur par colonne de sortie : sommez sur tous les éléments, pas "
                           "seulement sur le batch",
    "hint.mse.per_column_mean": "renvoie une valeur par colonne de sortie (.mean(0)) : la MSE est un seul "
                                "scalaire, ((yhat - y) ** 2).sum() / q",
    "hint.mse.per_row": "renvoie une valeur par exemple : sommez sur tous les éléments",
    "hint.mse.normalised_by_p": "divise par p (le nombre de sorties) au lieu de q (la taille du batch, "
                                "yhat.shape[0])",
    "hint.mse.mean_strict": "divisez par q = yhat.shape[0], pas par yhat.numel() (.mean() divise par q·p)",
    "hint.mse.mean_forward_only": "forward divise par q·p (.mean()) mais backward par q : utilisez la même "
                                  "normalisation dans forward et backward (celle du TP est 1/q)",
    "hint.mse.mean_backward_only": "backward divise par q·p (le gradient de .mean()) alors que forward calcule "
                                   "le 1/q ‖Ŷ−Y‖² du TP : divisez le gradient par q = yhat.shape[0]",
    "hint.mse.ignores_grad_output": "votre backward ignore grad_output : multipliez les deux gradients par "
                                    "grad_output (il valait {g}, donc chaque gradient vaut {factor:.2g}× celui "
                                    "attendu)",
    "hint.mse.ignores_grad_output_y_none": "votre backward ignore grad_output et renvoie None pour y : "
                                           "multipliez par grad_output et renvoyez -grad_yhat pour y",
    "hint.mse.missing_factor_2": "il manque le facteur 2 : d/dŶ ‖Ŷ−Y‖² = 2 (Ŷ−Y)",
    "hint.mse.backward_not_normalised": "le gradient n'est pas divisé par q (la taille du batch), contrairement "
                                        "au forward",
    "hint.mse.y_none": "renvoie None pour le gradient de y : le gradcheck du TP en a besoin, "
                       "grad_y = -grad_yhat",
    "hint.mse.swapped": "les deux gradients sont inversés : renvoyez (grad_yhat, grad_y), dans l'ordre des "
                        "entrées de forward",
    "hint.mse.y_wrong_sign": "le gradient de y a le mauvais signe : grad_y = -grad_yhat",
    "hint.mse.input_mutated": "forward modifie yhat sur place (par exemple yhat -= y) après l'avoir sauvegardé : "
                              "backward lit alors le tenseur modifié. Calculez yhat - y dans un nouveau tenseur",
    "hint.mse.wrong_number_of_gradients": "backward renvoie un gradient par entrée de forward, dans le même "
                                          "ordre : (grad_yhat, grad_y)",
    "hint.gradcheck.float32_cast": "votre forward renvoie du {dtype} pour des entrées float64 : une conversion "
                                   "(.float(), torch.float32) perd de la précision et les différences finies de "
                                   "gradcheck échouent. Gardez le dtype des entrées",
    "hint.gradcheck.ignores_grad_output": "la jacobienne est juste mais backward ignore grad_output (avec "
                                          "grad_output = {g}, il renvoie les mêmes gradients qu'avec 1) : "
                                          "multipliez par grad_output",
    "hint.gradcheck.constant_factor": "votre backward vaut {factor:.3g}× le vrai gradient partout : un facteur "
                                      "constant est faux ou manquant (le 2, la normalisation q ou q·p, le signe)",
    "hint.gradcheck.input_factor": "le gradient par rapport à {input} vaut {factor:.3g}× le vrai (ceux des "
                                   "autres entrées sont justes) : un facteur constant est faux ou manquant dans ce "
                                   "gradient",
    "hint.linear.argument_order": "votre forward prend ses arguments dans l'ordre ({order}) ; le TP appelle "
                                  "linear(X, W, b) : écrivez forward(ctx, X, W, b)",
    "hint.linear.no_bias": "le biais b n'est pas ajouté : X @ W + b",
    "hint.linear.bias_subtracted": "b est soustrait au lieu d'être ajouté : X @ W + b",
    "hint.linear.shape_error": "un produit matriciel a des formes incompatibles : avec X (q, n), W (n, p), "
                               "b (p,), forward vaut X @ W + b, grad_X = grad_output @ W.T, "
                               "grad_W = X.T @ grad_output (vérifiez l'ordre des arguments (X, W, b) et les "
                               "transpositions)",
    "hint.linear.grad_b_not_summed": "grad_b n'est pas sommé sur le batch : il a la forme (q, p) au lieu de "
                                     "celle de b, (p,). Le moteur de PyTorch le somme sans rien dire quand vous "
                                     "passez par .apply, mais la boucle à la main appelle backward directement : "
                                     "renvoyez grad_output.sum(0)",
    "hint.linear.grad_b_keepdim": "grad_b a la forme (1, p) alors que b a la forme (p,) : renvoyez un gradient "
                                  "de la même forme que son entrée (grad_output.sum(0))",
    "hint.linear.grad_b_ignores_grad_output": "grad_b ignore grad_output : grad_b = grad_output.sum(0)",
    "hint.linear.grad_b_mean": "grad_b est moyenné sur le batch : b est ajouté à chaque ligne, son gradient est "
                               "donc la somme, grad_output.sum(0)",
    "hint.linear.grad_w_transposed": "grad_W est transposé : grad_W = X.T @ grad_output, de forme (n, p) comme W",
    "hint.linear.grad_x_transposed": "grad_X est transposé : grad_X = grad_output @ W.T, de forme (q, n) comme X",
    "hint.linear.grads_x_w_swapped": "les gradients de X et de W sont inversés : renvoyez (grad_X, grad_W, "
                                     "grad_b)",
    "hint.linear.grads_ignore_grad_output": "backward ignore grad_output : grad_X = grad_output @ W.T, "
                                            "grad_W = X.T @ grad_output, grad_b = grad_output.sum(0)",
    "hint.linear.wrong_number_of_gradients": "backward renvoie un gradient par entrée de forward, dans l'ordre "
                                             "(X, W, b)",
    "hint.context.shared_state": "l'état est gardé hors du Context (une variable globale ou un attribut de "
                                 "classe) : chaque forward doit sauvegarder ce dont backward a besoin avec "
                                 "ctx.save_for_backward et le relire dans ctx.saved_tensors",
    "hint.context.saved_mutated": "backward modifie sur place les tenseurs sauvegardés (+=, -=, .sub_(), …) : un "
                                  "second backward voit alors d'autres tenseurs. Calculez dans de nouveaux "
                                  "tenseurs",
    "hint.context.inplace_modified": "un tenseur sauvegardé pour backward a été modifié sur place (+=, .sub_(), "
                                     "…) après sa sauvegarde : calculez plutôt dans un nouveau tenseur",
    "hint.context.input_mutated": "forward ou backward modifie une entrée sur place (+=, -=, .sub_(), …) : "
                                  "PyTorch le refuse sur un tenseur qui requiert un gradient. Calculez dans un "
                                  "nouveau tenseur (d = yhat - y)",
    "hint.descent.wrong_return": "descente(x, y, epsilon, n_iter) doit renvoyer (w, b, losses)",
    "hint.descent.grad_b_not_summed": "le gradient du biais renvoyé par Linear.backward n'est pas sommé sur le "
                                      "batch, donc b devient une matrice : renvoyez grad_output.sum(0) pour b",
    "hint.descent.diverged": "vérifiez le signe de la mise à jour : w = w - epsilon * grad_w",
    "hint.descent.no_progress": "le coût n'est pas plus bas qu'avec w = 0, b = 0 : la mise à jour est-elle "
                                "appliquée, avec le bon signe ?",
    "hint.descent.not_converged": "la boucle ne converge pas : vérifiez les gradients et la mise à jour "
                                  "w = w - epsilon * grad_w",
    "hint.descent.losses_missing": "ajoutez le coût (un float, loss.item()) à chaque itération dans la liste "
                                   "que vous renvoyez",
    "hint.descent.losses_not_decreasing": "les coûts sont mal enregistrés : ajoutez le coût courant à chaque "
                                          "itération",
    "hint.train.wrong_return": "{function} doit renvoyer (w, b, train_losses, test_losses)",
    "hint.train.no_update": "le coût reste plat et les paramètres reviennent inchangés : la mise à jour n'est "
                            "jamais appliquée, ou l'est sur une copie (par exemple une fonction auxiliaire qui "
                            "réaffecte son argument). Mettez à jour sur place : with torch.no_grad(): "
                            "w -= epsilon * w.grad",
    "hint.train.returned_initial_params": "le coût diminue mais les paramètres renvoyés sont ceux du départ : "
                                          "renvoyez les tenseurs que vous entraînez",
    "hint.train.wrong_sign": "le coût augmente même avec un pas minuscule : la mise à jour a le mauvais signe, "
                             "écrivez w -= epsilon * w.grad",
    "hint.train.diverged": "les paramètres divergent (nan ou inf) alors que la mise à jour descend bien : les pas "
                           "sont trop grands. Moyennez le coût (mse, pas une somme), utilisez l'epsilon reçu, et "
                           "remettez les gradients à zéro après chaque pas",
    "hint.train.grads_accumulate": "les gradients ne sont jamais remis à zéro, ils s'accumulent d'un pas à "
                                   "l'autre : appelez w.grad.zero_() et b.grad.zero_() après chaque mise à jour",
    "hint.train.not_converged": "la boucle ne s'approche pas de l'optimum : les gradients sont-ils remis à zéro "
                                "après chaque pas, et chaque exemple / batch est-il utilisé à chaque époque ?",
    "hint.train.update_outside_no_grad": "la mise à jour est faite hors de torch.no_grad() : PyTorch refuse de "
                                         "modifier sur place une feuille qui requiert un gradient. Écrivez : "
                                         "with torch.no_grad(): w -= epsilon * w.grad",
    "hint.train.grad_none": "w.grad vaut None : w = w - epsilon * w.grad crée un nouveau tenseur, qui n'est "
                            "pas le paramètre dont autograd calcule le gradient. Mettez à jour sur place : "
                            "with torch.no_grad(): w -= epsilon * w.grad",
    # rapport dans le terminal
    "terminal.hidden": "masqué",
    "terminal.config": "configuration : {path}",
    "terminal.withheld": {"one": "Masqué : encore {n} test, sur {points:g} points, noté par votre enseignant "
                                 "(hors de ce score).",
                          "other": "Masqués : encore {n} tests, sur {points:g} points, notés par votre enseignant "
                                   "(hors de ce score)."},
    "terminal.submission": "Rendu {name}",
    "terminal.data": "données : {data}",
    "terminal.data_none": "données : aucune : {problem}",
    "terminal.data_not_needed": "données : inutiles",
    "terminal.unprotected": "NON PROTÉGÉ (bac à sable de niveau {level}) :",
    "terminal.unprotected.files": "le code de l'étudiant pouvait lire et modifier tous les fichiers de son "
                                  "utilisateur : les autres rendus, le rendu d'origine, les rapports, "
                                  "l'installation du correcteur",
    "terminal.unprotected.network": "il pouvait utiliser le réseau",
    "terminal.unprotected.processes": "les processus qu'il a lancés avec setsid peuvent survivre à la limite de "
                                      "temps",
    "terminal.unprotected.root": "il a tourné en root (sans capacités) : il pouvait modifier les fichiers de "
                                 "root, et la limite de processus ne s'appliquait pas",
    "terminal.unprotected.shared_uid": "il a tourné sous votre propre utilisateur : la limite de processus "
                                       "comptait aussi vos processus",
    "terminal.unprotected_hint": "pour du code non fiable, utilisez le niveau bwrap ou unshare "
                                 "(docs/security.md dit ce qu'il faut à chacun) ; --require-sandbox unshare "
                                 "refuse de noter en dessous",
    "terminal.warning": "attention : {text}",
    "terminal.column.check": "Vérification",
    "terminal.column.status": "Statut",
    "terminal.column.points": "Points",
    "terminal.column.time": "Durée",
    "terminal.column.message": "Message",
    "terminal.loss": "coût {curve}",
    "terminal.summary": "({counts} ; {duration:.1f} s)",
    "terminal.count.passed": {"one": "{n} réussie", "other": "{n} réussies"},
    "terminal.count.failed": {"one": "{n} échouée", "other": "{n} échouées"},
    "terminal.count.error": {"one": "{n} en erreur", "other": "{n} en erreur"},
    "terminal.count.timeout": {"one": "{n} hors délai", "other": "{n} hors délai"},
    "terminal.count.skipped": {"one": "{n} non évaluée", "other": "{n} non évaluées"},
    "terminal.hints": "Indices",
    "terminal.score": "Note",
    # tableau de la classe
    "class.title": "Classe",
    "class.students": {"one": "{n} étudiant, {graded} corrigé", "other": "{n} étudiants, {graded} corrigés"},
    "class.mean": "moyenne {mean:g} / {max:g}",
    "class.median": "médiane {median:g} / {max:g}",
    "class.column.student": "Étudiant",
    "class.column.score": "Note",
    "class.column.check": "Vérification",
    "class.column.passed": "Réussi",
    "class.column.other": "Autres résultats",
    "class.not_available": "n/d",
    "class.not_graded": "(non corrigé)",
    "class.not_run": "non exécuté",
    "class.top_failures": "Échecs les plus fréquents (nombre d'étudiants)",
    "class.problems": "Problèmes",
    # ligne de commande
    "cli.json_report": "Rapport JSON : {path}",
    "cli.grading": {"one": "Correction de {n} rendu de {path}{shard} avec {workers} processus",
                    "other": "Correction de {n} rendus de {path}{shard} avec {workers} processus"},
    "cli.shard": " (tranche {i}/{of})",
    "cli.per_student_reports": "Rapports JSON par étudiant : {out}/",
    "cli.gradebook": "carnet de notes : {gradebook}, synthèse : {summary}",
}
