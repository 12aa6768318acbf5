"""Messages of checks hardened against ways of getting credit for work that was not done (red-team findings):
``context.isolation`` on backwards that return constants, gradcheck on an ``.apply`` that is not the Function."""

EN = {
    "context.no_gradients": "{function}: backward returned the same gradients ({got}) for two different inputs, so "
                            "there is nothing to isolate: the check needs gradients computed from what forward saved "
                            "on the Context",
    "hint.context.no_gradients": "backward returns None or constants whatever its inputs: it does not use what forward "
                                 "saved on the Context; write the gradients first (mse.backward and linear.backward "
                                 "say what is expected)",
    "gradcheck.not_its_own": "gradcheck passed on {function}, but {cls}.forward and {cls}.backward called directly do "
                             "not give the gradients {function} gave: {problem}",
    "gradcheck.direct_raised": "they raised {type}: {message}",
    "gradcheck.direct_count": "backward returned {got} where .apply gave {n} gradients",
    "gradcheck.direct_none": "gradient {i} is None in one case only",
    "gradcheck.direct_what": "gradient {i} of the direct call",
    "hint.gradcheck.not_its_own": "{function} must be your Function's own apply (the one PyTorch gives it, running "
                                  "your forward and backward): replacing it with another computation, e.g. torch's "
                                  "own autograd, makes gradcheck test something else",
}

FR = {
    "context.no_gradients": "{function} : backward a renvoyé les mêmes gradients ({got}) pour deux entrées "
                            "différentes, il n'y a donc rien à isoler : le test a besoin de gradients calculés à "
                            "partir de ce que forward a sauvegardé dans le Context",
    "hint.context.no_gradients": "backward renvoie None ou des constantes quelles que soient ses entrées : il "
                                 "n'utilise pas ce que forward a sauvegardé dans le Context ; écrivez d'abord les "
                                 "gradients (mse.backward et linear.backward disent ce qui est attendu)",
    "gradcheck.not_its_own": "gradcheck réussit sur {function}, mais {cls}.forward et {cls}.backward appelés "
                             "directement ne donnent pas les gradients qu'a donnés {function} : {problem}",
    "gradcheck.direct_raised": "ils ont levé {type} : {message}",
    "gradcheck.direct_count": "backward a renvoyé {got} là où .apply a donné {n} gradients",
    "gradcheck.direct_none": "le gradient {i} vaut None dans un seul des deux cas",
    "gradcheck.direct_what": "le gradient {i} de l'appel direct",
    "hint.gradcheck.not_its_own": "{function} doit être l'apply de votre Function (celui que PyTorch lui donne, qui "
                                  "exécute votre forward et votre backward) : le remplacer par un autre calcul, par "
                                  "exemple l'autograd de torch, fait tester autre chose à gradcheck",
}
