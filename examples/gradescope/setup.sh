#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# The autograder zip holds setup.sh, run_autograder and the grader's source in grader-src/
# (e.g. `git archive --prefix=grader-src/ HEAD`), extracted to /autograder/source.
set -euo pipefail
apt-get install -y python3.11 python3.11-venv
python3.11 -m venv /opt/grader
# The CPU build of torch first: an unpinned torch pulls several GB of CUDA packages.
/opt/grader/bin/pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
# student-libs: the libraries hand-ins import that the grader installs for real (tqdm, icecream, pandas);
# the others get stand-ins in the student's process (the grader's docs/optional-modules.md).
/opt/grader/bin/pip install "/autograder/source/grader-src[student-libs]"
ln -sf /opt/grader/bin/grader /usr/local/bin/grader
# California Housing, once, into scikit-learn's cache (the grader never downloads while grading).
/opt/grader/bin/python -c "from sklearn.datasets import fetch_california_housing as f; f()"
