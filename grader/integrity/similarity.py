"""Similarity of every pair of hand-ins in a class: evidence for the teacher, never a grade.

Each hand-in is reduced to its fingerprints (:mod:`grader.integrity.fingerprint`), the handout's code
removed. Two more kinds of fingerprint are not counted:

- the ones more than ``max(COMMON_MIN, COMMON_SHARE × class size)`` hand-ins share: code that many
  students write alike by nature (``grad_output * 2 * (yhat - y) / q``) is no evidence of copying
  (MOSS ignores such "too common" fingerprints the same way);
- none else: a fingerprint two or three students share is exactly what a copy leaves.

The score of a pair is the share of the smaller hand-in's fingerprints found in the other (a student
who copied a whole file of a longer hand-in scores high), over at least ``MIN_PRINTS`` fingerprints so
that a nearly empty hand-in does not reach 1.0 with three shared lines. Pairs above ``FLOOR`` are
reported, those above the threshold (``[integrity] similarity_threshold``) flagged, with the matched
line ranges of each side. Nothing here changes a point.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable, Sequence

from grader.integrity.fingerprint import Print

FLOOR = 0.2  # pairs scoring below are not listed
COMMON_MIN, COMMON_SHARE = 4, 0.2
MIN_PRINTS = 10  # a hand-in with fewer fingerprints than this cannot reach 1.0
MAX_REGIONS = 50
MERGE_GAP = 2  # lines: matched k-grams this close on both sides make one region


@dataclass(frozen=True)
class HandinPrints:
    student: str
    prints: tuple[Print, ...]


@dataclass(frozen=True)
class Region:
    a_file: str
    a_lines: tuple[int, int]
    b_file: str
    b_lines: tuple[int, int]

    def to_dict(self) -> dict:
        return {"a_file": self.a_file, "a_lines": list(self.a_lines), "b_file": self.b_file,
                "b_lines": list(self.b_lines)}


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    score: float
    flagged: bool
    regions: tuple[Region, ...] = ()

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "score": self.score, "flagged": self.flagged,
                "regions": [r.to_dict() for r in self.regions]}


@dataclass(frozen=True)
class Similarity:
    threshold: float
    handout: str | None
    pairs: tuple[Pair, ...] = ()
    n_handins: int = 0
    n_pairs: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def flagged(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.flagged)

    def to_dict(self) -> dict:
        """The ``similarity.json`` shape of the issue: threshold, handout, pairs (flagged first)."""
        return {"threshold": self.threshold, "handout": self.handout, "pairs": [p.to_dict() for p in self.pairs]}

    def similar_to(self) -> dict[str, list[str]]:
        """Student -> the students a flagged pair links them to (the gradebook's ``similar_to``)."""
        links: dict[str, list[str]] = defaultdict(list)
        for p in self.flagged:
            links[p.a].append(p.b)
            links[p.b].append(p.a)
        return dict(links)


def common_cutoff(n_handins: int) -> int:
    """A fingerprint shared by more hand-ins than this is common code, not evidence."""
    return max(COMMON_MIN, math.ceil(COMMON_SHARE * n_handins))


def compare(handins: Sequence[HandinPrints], threshold: float, handout: str | None = None,
            floor: float = FLOOR, with_regions: bool = True) -> Similarity:
    """Score every pair of ``handins``; the listed pairs are those above ``floor``, flagged first (with their
    matched regions unless ``with_regions`` is False: the threshold study scores every pair)."""
    owners: dict[int, set[int]] = defaultdict(set)
    for index, handin in enumerate(handins):
        for p in handin.prints:
            owners[p.hash].add(index)
    n = len(handins)
    cutoff = common_cutoff(n)
    common = {h for h, who in owners.items() if len(who) > cutoff}
    kept = [{p.hash for p in h.prints} - common for h in handins]
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for h, who in owners.items():
        if h in common or len(who) < 2:
            continue
        for i, j in combinations(sorted(who), 2):
            shared[i, j] += 1
    pairs = []
    for (i, j), count in shared.items():
        score = round(count / max(MIN_PRINTS, min(len(kept[i]), len(kept[j]))), 3)
        if score < floor:
            continue
        a, b = handins[i], handins[j]
        if b.student < a.student:
            a, b = b, a
        found = regions(a, b, common) if with_regions else ()
        pairs.append(Pair(a.student, b.student, score, score >= threshold, found))
    pairs.sort(key=lambda p: (not p.flagged, -p.score, p.a, p.b))
    return Similarity(threshold, handout, tuple(pairs), n, n * (n - 1) // 2)


def regions(a: HandinPrints, b: HandinPrints, common: set[int] = frozenset()) -> tuple[Region, ...]:
    """The matched line ranges of ``a`` and ``b``: each shared fingerprint's first place on either side,
    neighbours in both files merged."""
    first_b: dict[int, Print] = {}
    for p in b.prints:
        first_b.setdefault(p.hash, p)
    matches = sorted(((p, first_b[p.hash]) for p in a.prints if p.hash in first_b and p.hash not in common),
                     key=lambda m: (m[0].file, m[0].start, m[1].file, m[1].start))
    merged: list[list] = []
    for pa, pb in matches:
        if merged:
            last = merged[-1]
            if (last[0] == pa.file and last[2] == pb.file and pa.start <= last[1][1] + MERGE_GAP
                    and last[3][0] - MERGE_GAP <= pb.start <= last[3][1] + MERGE_GAP):
                last[1] = (last[1][0], max(last[1][1], pa.end))
                last[3] = (min(last[3][0], pb.start), max(last[3][1], pb.end))
                continue
        merged.append([pa.file, (pa.start, pa.end), pb.file, (pb.start, pb.end)])
    return tuple(Region(f, la, g, lb) for f, la, g, lb in merged[:MAX_REGIONS])


def of_class(sources: Iterable[tuple[str, Sequence[tuple[str, str]]]], boilerplate: set[int]) -> list[HandinPrints]:
    """``[(student, [(file, text), ...]), ...]`` -> their fingerprints, the handout removed."""
    from grader.integrity.fingerprint import fingerprint

    return [HandinPrints(student, tuple(fingerprint(files, boilerplate))) for student, files in sources]
