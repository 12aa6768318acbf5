"""What the grader takes from a hand-in: which tp1.py it grades, whether a folder is one hand-in or a class
(:mod:`grader.handin.locate`, one rule for both modes), and the copy the student process works in, with the
report's file hashes (:mod:`grader.handin.copy`). Nothing here follows a symbolic link below the folder named."""

from grader.handin.copy import Copied, copy_handin
from grader.handin.locate import LAB_FILES, MOODLE, Located, NotASubmission, holds_only, is_single, locate

__all__ = ["Copied", "LAB_FILES", "Located", "MOODLE", "NotASubmission", "copy_handin", "holds_only", "is_single",
           "locate"]
