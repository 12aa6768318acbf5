"""Messages of the speed work (issue 15): one hang, one limit; what the grader was doing."""

EN = {
    "doing.loading": "importing the submission",
    "doing.reloading": "importing the submission again",
    "speed.timeout_running": "{timeout} ({function} at {where} was running)",
    "speed.not_again": "{function} did not return within {limit:g} s in {check}: not called again",
    "speed.not_again_crashed": "{function} crashed the student process in {check}: not called again",
    "speed.forged_not_again": "the student process stopped a call the grader did not ask it to stop ({function})",
}

FR = {
    "doing.loading": "l'import du rendu",
    "doing.reloading": "le nouvel import du rendu",
    "speed.timeout_running": "{timeout} ({function} en {where} était en cours)",
    "speed.not_again": "{function} n'a pas répondu en {limit:g} s dans {check} : pas rappelée",
    "speed.not_again_crashed": "{function} a arrêté brutalement le processus de l'étudiant dans {check} : "
                               "pas rappelée",
    "speed.forged_not_again": "le processus de l'étudiant a arrêté un appel que le correcteur n'avait pas demandé "
                              "d'arrêter ({function})",
}
