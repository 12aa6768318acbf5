"""Messages of the evidence that a loop is gradient descent (issue 17): the probes with epsilon 0 and a small
epsilon, gradcheck of the right function (the student's own forward/backward), lowered precision."""

EN = {
    "train.passed": "{summary}; gradient descent established (probe step: ratio {ratio:.3f}, cosine {cosine:.4f})",
    "train.not_descent": "{summary}; but the grader could not establish that these parameters come from "
                         "gradient descent",
    "descent.not_descent": "MSE {mse:.4g} ≤ {threshold:.4g} (optimum {optimum:.4g}), but the grader could not "
                           "establish that descente performs gradient descent",
    "descent.passed_probe": "{summary}; one iteration steps as gradient descent on {mse} (ratio {ratio:.4f}, "
                            "cosine {cosine:.5f})",
    "probe.lab": "the lab's MSE",
    "probe.mean": "the element mean 1/(q·p)",
    "descent.losses_count": "descente returned {got} losses for n_iter = {n_iter}: the list must hold one loss "
                            "per iteration ({n_iter}, or {n_iter_plus} with the final one)",
    "probe.call.train": "called again for one epoch with epsilon = {epsilon:.3g} on {rows} rows",
    "probe.call.manual": "called again with n_iter = 1 and epsilon = {epsilon:.3g}",
    "probe.raised": "{call}, your function raised {type}: {message}",
    "probe.timeout": "{call}, your function did not answer within the check's time limit ({limit:g} s)",
    "probe.crashed": "{call}, your function crashed the student process: {reason}",
    "probe.wrong_return": "{call}, your function returned the wrong thing: {problem}",
    "probe.not_finite": "{call}, your function returned parameters that are not finite",
    "probe.at_optimum": "with epsilon = 0 your function returned parameters whose MSE on those rows ({mse:.4g}) "
                        "is already near the least-squares optimum ({optimum:.4g}; a starting point is at least "
                        "{min_ratio:g}× above it): with epsilon = 0, gradient descent returns its initial "
                        "parameters (random or zero), not a solution",
    "probe.step": "{call}, your function moved (w, b) by {got:.3g} where gradient descent moves them by "
                  "{want:.3g} (ratio {ratio:.3g}, cosine {cosine:.3f}; gradient descent gives a ratio within "
                  "{low:.3g}–{high:.3g} and a cosine ≥ {cosine_min:g})",
    "probe.mean_strict": "one iteration of descente steps along the gradient of the element mean 1/(q·p) "
                         "‖Ŷ−Y‖² (ratio {ratio:.3g} to the lab's MSE), which the strict MSE setting rejects",
    "gradcheck.wrong_function": "gradcheck passed (your backward agrees with finite differences of your "
                                "forward), but {function} does not compute {expected}: {mismatch}",
    "gradcheck.expected.mse": "1/q ‖Ŷ−Y‖²",
    "gradcheck.expected.mse_or_mean": "1/q ‖Ŷ−Y‖² (or the element mean 1/(q·p) ‖Ŷ−Y‖²)",
    "compare.lowered": "{base} (float32's tolerance: your code returned {dtype} for {inputs} inputs)",
    "hint.train.not_gradient_descent": "{seen}. The lab asks for gradient descent, and the grader checks it: it "
                                       "calls your function again for one epoch with epsilon = 0 (it must return "
                                       "its initial parameters) and with a small epsilon on a subset of the rows "
                                       "(it must step along −epsilon × the gradient of the MSE). Compute the loss "
                                       "with mse and linear, call backward(), then update under torch.no_grad(): "
                                       "w -= epsilon * w.grad",
    "train.too_few_steps": "{summary}; but {function} ran {counted} backward passes where one call makes "
                           "{expected} steps ({rule})",
    "train.too_few_backward": "{summary}; but {function} ran only {counted} backward passes where one call "
                              "makes {expected} steps ({rule}): it stops very early, or its steps do not use "
                              "autograd (loss.backward()), which this part of the lab asks for",
    "train.steps.sgd": "one per row: {rows} rows × {n_epochs} epoch(s)",
    "train.steps.minibatch": "one per batch of {batch_size}: {batches} batches × {n_epochs} epochs",
    "hint.train.too_few_steps": "{function} stops before the end: go through every row (every batch) of x_train "
                                "once per epoch, for n_epochs epochs. A break or a slice of the rows left from "
                                "debugging, a range that is too short, or n_epochs ignored make fewer steps than "
                                "asked, and the grader counts them: the backward passes of autograd, one per step "
                                "(loss.backward())",
    "hint.train.bias_not_updated": "b never moves although its gradient is not zero: update it as w "
                                   "(with torch.no_grad(): b -= epsilon * b.grad) and zero its gradient too",
    "hint.descent.not_gradient_descent": "{seen}. descente must be gradient descent, and the grader checks it: "
                                         "it calls descente again with n_iter = 1, with epsilon = 0 (it must "
                                         "return its initial parameters) and with a small epsilon (one step "
                                         "w - epsilon * grad_w, b - epsilon * grad_b)",
    "hint.descent.losses_count": "append the loss once per iteration (loss.item()), before or after the "
                                 "update: the list records this run",
    "hint.gradcheck.wrong_function": "gradcheck only compares your backward with finite differences of your own "
                                     "forward, so a function that computes something else (a constant, another "
                                     "formula) passes it: {function} must compute {expected}",
    "hint.compare.low_precision": "your code returned {dtype} although the inputs were {inputs}: a cast (.half(), "
                                  ".bfloat16(), torch.autocast) loses precision. Keep the inputs' dtype: the "
                                  "grader never judges with a tolerance looser than float32's",
}

FR = {
    "train.passed": "{summary} ; descente de gradient établie (pas de la sonde : rapport {ratio:.3f}, "
                    "cosinus {cosine:.4f})",
    "train.not_descent": "{summary} ; mais le correcteur n'a pas pu établir que ces paramètres viennent d'une "
                         "descente de gradient",
    "descent.not_descent": "MSE {mse:.4g} ≤ {threshold:.4g} (optimum {optimum:.4g}), mais le correcteur n'a pas "
                           "pu établir que descente fait une descente de gradient",
    "descent.passed_probe": "{summary} ; une itération fait le pas de la descente de gradient sur {mse} "
                            "(rapport {ratio:.4f}, cosinus {cosine:.5f})",
    "probe.lab": "la MSE du TP",
    "probe.mean": "la moyenne des éléments 1/(q·p)",
    "descent.losses_count": "descente a renvoyé {got} coûts pour n_iter = {n_iter} : la liste doit contenir un "
                            "coût par itération ({n_iter}, ou {n_iter_plus} avec le coût final)",
    "probe.call.train": "rappelée pour une époque avec epsilon = {epsilon:.3g} sur {rows} lignes",
    "probe.call.manual": "rappelée avec n_iter = 1 et epsilon = {epsilon:.3g}",
    "probe.raised": "{call}, votre fonction a levé {type} : {message}",
    "probe.timeout": "{call}, votre fonction n'a pas répondu dans le temps limite du test ({limit:g} s)",
    "probe.crashed": "{call}, votre fonction a fait planter le processus de l'étudiant : {reason}",
    "probe.wrong_return": "{call}, votre fonction a renvoyé autre chose que prévu : {problem}",
    "probe.not_finite": "{call}, votre fonction a renvoyé des paramètres non finis",
    "probe.at_optimum": "avec epsilon = 0, votre fonction a renvoyé des paramètres dont la MSE sur ces lignes "
                        "({mse:.4g}) est déjà proche de l'optimum des moindres carrés ({optimum:.4g} ; un point de "
                        "départ est au moins {min_ratio:g}× au-dessus) : avec epsilon = 0, la descente de gradient "
                        "renvoie ses paramètres initiaux (aléatoires ou nuls), pas une solution",
    "probe.step": "{call}, votre fonction a déplacé (w, b) de {got:.3g} là où la descente de gradient les "
                  "déplace de {want:.3g} (rapport {ratio:.3g}, cosinus {cosine:.3f} ; la descente de gradient "
                  "donne un rapport entre {low:.3g} et {high:.3g} et un cosinus ≥ {cosine_min:g})",
    "probe.mean_strict": "une itération de descente suit le gradient de la moyenne des éléments 1/(q·p) "
                         "‖Ŷ−Y‖² (rapport {ratio:.3g} à la MSE du TP), que le réglage MSE stricte refuse",
    "gradcheck.wrong_function": "gradcheck réussit (votre backward concorde avec les différences finies de votre "
                                "forward), mais {function} ne calcule pas {expected} : {mismatch}",
    "gradcheck.expected.mse": "1/q ‖Ŷ−Y‖²",
    "gradcheck.expected.mse_or_mean": "1/q ‖Ŷ−Y‖² (ou la moyenne des éléments 1/(q·p) ‖Ŷ−Y‖²)",
    "compare.lowered": "{base} (tolérance de float32 : votre code a renvoyé du {dtype} pour des entrées "
                       "{inputs})",
    "hint.train.not_gradient_descent": "{seen}. Le TP demande une descente de gradient, et le correcteur le "
                                       "vérifie : il rappelle votre fonction pour une époque avec epsilon = 0 "
                                       "(elle doit renvoyer ses paramètres initiaux) et avec un petit epsilon sur "
                                       "une partie des lignes (elle doit faire un pas de −epsilon × le gradient de "
                                       "la MSE). Calculez le coût avec mse et linear, appelez backward(), puis "
                                       "mettez à jour sous torch.no_grad() : w -= epsilon * w.grad",
    "train.too_few_steps": "{summary} ; mais {function} a fait {counted} passes backward là où un appel fait "
                           "{expected} pas ({rule})",
    "train.too_few_backward": "{summary} ; mais {function} n'a fait que {counted} passes backward là où un "
                              "appel fait {expected} pas ({rule}) : elle s'arrête très tôt, ou ses pas n'utilisent "
                              "pas autograd (loss.backward()), que cette partie du TP demande",
    "train.steps.sgd": "un par ligne : {rows} lignes × {n_epochs} époque(s)",
    "train.steps.minibatch": "un par paquet de {batch_size} : {batches} paquets × {n_epochs} époques",
    "hint.train.too_few_steps": "{function} s'arrête avant la fin : parcourez chaque ligne (chaque paquet) de "
                                "x_train une fois par époque, pendant n_epochs époques. Un break ou une tranche "
                                "des lignes laissés du débogage, un range trop court ou n_epochs ignoré font moins "
                                "de pas que demandé, et le correcteur les compte : les passes backward d'autograd, "
                                "une par pas (loss.backward())",
    "hint.train.bias_not_updated": "b ne bouge jamais alors que son gradient n'est pas nul : mettez-le à jour "
                                   "comme w (with torch.no_grad(): b -= epsilon * b.grad) et remettez aussi son "
                                   "gradient à zéro",
    "hint.descent.not_gradient_descent": "{seen}. descente doit être une descente de gradient, et le correcteur "
                                         "le vérifie : il rappelle descente avec n_iter = 1, avec epsilon = 0 "
                                         "(elle doit renvoyer ses paramètres initiaux) et avec un petit epsilon "
                                         "(un pas w - epsilon * grad_w, b - epsilon * grad_b)",
    "hint.descent.losses_count": "ajoutez le coût une fois par itération (loss.item()), avant ou après la mise à "
                                 "jour : la liste enregistre cette exécution",
    "hint.gradcheck.wrong_function": "gradcheck compare seulement votre backward aux différences finies de votre "
                                     "propre forward : une fonction qui calcule autre chose (une constante, une "
                                     "autre formule) le réussit. {function} doit calculer {expected}",
    "hint.compare.low_precision": "votre code a renvoyé du {dtype} alors que les entrées étaient en {inputs} : "
                                  "une conversion (.half(), .bfloat16(), torch.autocast) perd de la précision. "
                                  "Gardez le dtype des entrées : le correcteur ne juge jamais avec une tolérance "
                                  "plus large que celle de float32",
}
