#!/usr/bin/env bash
# Grade the pushed submission: what the workflow's grading step runs (and what tests/test_integrations.py runs).
#   grade.sh [SUBMISSION_DIR]   (default: the repository root)
# PASS_MARK (default 10): the job fails below this score. OUT (default grader-reports): where the reports go.
# GRADER (default "grader"): the command; GRADER_ARGS: extra options.
set -uo pipefail
SUBMISSION="${1:-.}"
OUT="${OUT:-grader-reports}"
PASS_MARK="${PASS_MARK:-10}"
GRADER="${GRADER:-grader}"
mkdir -p "$OUT"

# shellcheck disable=SC2086  # GRADER and GRADER_ARGS are word lists on purpose
$GRADER check "$SUBMISSION" --json "$OUT/report.json" --format junit="$OUT/junit.xml" \
    --format markdown="$OUT/summary.md" --html "$OUT/report.html" --fail-under "$PASS_MARK" ${GRADER_ARGS:-}
code=$?

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$OUT/summary.md" ]; then
    { echo; cat "$OUT/summary.md"; } >> "$GITHUB_STEP_SUMMARY"
    echo "Pass mark: $PASS_MARK points. The full report with loss curves is in the job's artifacts (report.html)." \
        >> "$GITHUB_STEP_SUMMARY"
fi
exit $code
