"""Grade a whole class: parallel workers, one JSON report per student, sharding.

Each submission is still graded by :func:`grader.runner.grade` in its own
student process (and its own temporary copy); the workers are threads of this
process, which only waits on pipes and compares small tensors, so the
student processes do the heavy work in parallel. A submission that hangs is
bounded by its own time limits and never stalls the others; a bug of the
grader on one submission is recorded for that student and the run goes on.
"""

from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from grader.config import GradingConfig
from grader.classmode.intake import Submission
from grader.model import SubmissionReport


@dataclass(frozen=True)
class Graded:
    submission: Submission
    report: SubmissionReport | None  # None when the grader itself failed on this submission
    report_path: Path | None
    problem: str | None = None  # why there is no report, or why there was nothing to grade
    reused: bool = False  # the report of an earlier run, still valid (:mod:`grader.classmode.cache`)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/5"`` -> (2, 5); raises ValueError with a message on anything else."""
    index, sep, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise ValueError(f"--shard expects I/N with 1 <= I <= N, got {text!r}") from None
    if not sep or not 1 <= i <= n:
        raise ValueError(f"--shard expects I/N with 1 <= I <= N, got {text!r}")
    return i, n


def in_shard(slug: str, shard: tuple[int, int] | None) -> bool:
    """Stable across machines: depends only on the student's slug, not on the listing order."""
    if shard is None:
        return True
    i, n = shard
    return zlib.crc32(slug.encode("utf-8")) % n == i - 1


def grade_one(submission: Submission, config: GradingConfig, out_dir: Path, launcher=None) -> Graded:
    from grader.classmode import cache
    from grader.reporters import json_report
    from grader.runner import NotASubmission, grade, not_a_submission_report

    path = out_dir / f"{submission.slug}.json"
    try:
        regrade_key = cache.key(submission, config)
        if submission.problem:
            report = not_a_submission_report(submission.path, submission.problem, config, name=submission.student)
        else:
            try:
                report = grade(submission.handin or submission.path, config, name=submission.student,
                               launcher=launcher)
            except NotASubmission as exc:
                report = not_a_submission_report(submission.path, exc.msg, config, name=submission.student)
        if submission.notes:  # what intake did (a merge, a rename...): the teacher reads it with the report
            report = replace(report, warnings=report.warnings + tuple(f"intake: {n}" for n in submission.notes))
        # Where the teacher finds the hand-in (inside the export, not a temporary folder), who it is (LMS id).
        report = replace(report, submission=replace(report.submission, path=submission.where,
                                                    lms_id=submission.lms_id))
        json_report.write(cache.stamp(report, regrade_key), path)
    except Exception as exc:  # a bug of the grader on this submission: record it, go on with the class
        return Graded(submission, None, None, f"internal error of the grader: {type(exc).__name__}: {exc}")
    return Graded(submission, report, path, submission.problem)


def reuse_reports(submissions: Sequence[Submission], config: GradingConfig, out_dir: Path,
                  on_done: Callable[[Graded], None] | None = None) -> tuple[list[Graded], list[Submission]]:
    """The submissions whose report in ``out_dir`` is still valid (:mod:`grader.classmode.cache`), as
    ``Graded(reused=True)`` (their reports brought up to date on disk), and the submissions left to grade."""
    from grader.classmode import cache
    from grader.reporters import json_report

    reused, todo = [], []
    for submission in submissions:
        path = out_dir / f"{submission.slug}.json"
        try:
            report = cache.reusable(submission, cache.key(submission, config), path)
            if report is not None:
                json_report.write(report, path)
        except OSError:
            report = None
        if report is None:
            todo.append(submission)
            continue
        reused.append(Graded(submission, report, path, None, reused=True))
        if on_done:
            on_done(reused[-1])
    return reused, todo


def grade_class(submissions: Sequence[Submission], config: GradingConfig, out_dir: Path, jobs: int,
                on_done: Callable[[Graded], None] | None = None, reuse: bool = False) -> list[Graded]:
    """Grade every submission with ``jobs`` workers; results in the order of ``submissions``.

    ``reuse``: first take the reports of ``out_dir`` that are still valid (:func:`reuse_reports`) and grade
    only the others. Each student process is forked from one warm launcher (torch imported once for the
    class) when one can start in this sandbox level, else started afresh.
    """
    everyone = list(submissions)
    done: list[Graded] = []
    if reuse:
        done, submissions = reuse_reports(everyone, config, out_dir, on_done)
        if not submissions:
            return done
    import torch

    from grader.sandbox.isolation import resolve_level
    from grader.sandbox.launcher import LauncherError, WarmLauncher

    torch.set_num_threads(1)  # the workers share this process; the student processes do the work
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Graded] = {g.submission.slug: g for g in done}
    try:
        level = resolve_level(config.sandbox)
        launcher = WarmLauncher(level) if any(not s.problem for s in submissions) else None
    except LauncherError:
        launcher = None  # each student process then imports torch itself
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grader") as pool:
            futures = {pool.submit(grade_one, s, config, out_dir, launcher): s for s in submissions}
            for future in as_completed(futures):
                graded = future.result()
                results[graded.submission.slug] = graded
                if on_done:
                    on_done(graded)
    finally:
        if launcher is not None:
            launcher.close()
    return [results[s.slug] for s in everyone]
