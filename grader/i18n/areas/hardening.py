"""Messages of checks hardened against ways of getting credit for work that was not done (red-team findings):
``context.isolation`` on backwards that return constants."""

EN = {
    "context.no_gradients": "{function}: backward returned the same gradients ({got}) for two different inputs, so "
                            "there is nothing to isolate: the check needs gradients computed from what forward saved "
                            "on the Context",
    "hint.context.no_gradients": "backward returns None or constants whatever its inputs: it does not use what forward "
                                 "saved on the Context; write the gradients first (mse.backward and linear.backward "
                                 "say what is expected)",
}

FR = {
    "context.no_gradients": "{function} : backward a renvoyé les mêmes gradients ({got}) pour deux entrées "
                            "différentes, il n'y a donc rien à isoler : le test a besoin de gradients calculés à "
                            "partir de ce que forward a sauvegardé dans le Context",
    "hint.context.no_gradients": "backward renvoie None ou des constantes quelles que soient ses entrées : il "
                                 "n'utilise pas ce que forward a sauvegardé dans le Context ; écrivez d'abord les "
                                 "gradients (mse.backward et linear.backward disent ce qui est attendu)",
}
