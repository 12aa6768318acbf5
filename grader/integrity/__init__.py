"""Integrity evidence for the teacher: autograd inside a student's ``backward`` (:mod:`.autograd`, a
verdict on the backward and gradcheck checks) and code similarity across a class (:mod:`.similarity`,
evidence only: it never changes a point)."""
