"""Messages of grader/integrity/: autograd inside a student's backward, similarity across a class."""

EN = {
    "integrity.backward.uses_autograd": "{function} does not compute its gradients by hand: it calls {via} "
                                        "(autograd) to get them",
    "hint.backward.uses_autograd": "{function} asks autograd for the gradient ({via}, at {where}): the lab asks "
                                   "for a hand-written backward, e.g. grad_output * 2 * (yhat - y) / q for MSE; "
                                   "compute each gradient from the tensors saved in ctx",
    "integrity.warning.autograd": "{function} uses autograd to compute its gradients ({via}, at {where}); "
                                  "kept as a warning ([integrity] autograd_in_backward = \"warn\")",
    "similarity.title": "Similar hand-ins",
    "similarity.none": "no pair of hand-ins scores above {threshold} (handout removed: {handout})",
    "similarity.flagged": {"one": "{n} pair scores above {threshold} (similarity of the code, the handout removed): "
                                  "evidence for the teacher to read, never a grade",
                           "other": "{n} pairs score above {threshold} (similarity of the code, the handout "
                                    "removed): evidence for the teacher to read, never a grade"},
    "similarity.pair": "{a} and {b}: {score}",
    "similarity.no_handout": "none found",
    "similarity.written": "similarity: {file}",
}

FR = {
    "integrity.backward.uses_autograd": "{function} ne calcule pas ses gradients à la main : il appelle {via} "
                                        "(autograd) pour les obtenir",
    "hint.backward.uses_autograd": "{function} demande le gradient à autograd ({via}, à {where}) : le TP demande "
                                   "une rétropropagation écrite à la main, par exemple grad_output * 2 * (yhat - y) "
                                   "/ q pour MSE ; calculez chaque gradient à partir des tenseurs sauvés dans ctx",
    "integrity.warning.autograd": "{function} utilise autograd pour calculer ses gradients ({via}, à {where}) ; "
                                  "gardé comme avertissement ([integrity] autograd_in_backward = \"warn\")",
    "similarity.title": "Rendus similaires",
    "similarity.none": "aucune paire de rendus ne dépasse {threshold} (sujet retiré : {handout})",
    "similarity.flagged": {"one": "{n} paire dépasse {threshold} (similarité du code, sujet retiré) : un indice "
                                  "à lire par l'enseignant, jamais une note",
                           "other": "{n} paires dépassent {threshold} (similarité du code, sujet retiré) : des "
                                    "indices à lire par l'enseignant, jamais une note"},
    "similarity.pair": "{a} et {b} : {score}",
    "similarity.no_handout": "non trouvé",
    "similarity.written": "similarité : {file}",
}
