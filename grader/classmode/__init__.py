"""Grading a whole class: find the hand-ins (:mod:`.intake`), grade them in parallel (:mod:`.run`),
and sum the class up (:mod:`.summary`, pure data for the reporters)."""
