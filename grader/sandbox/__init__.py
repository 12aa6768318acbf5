"""The student process and its confinement.

Parent side (imported by the grader): :mod:`.isolation` (levels, limits, command lines),
:mod:`.process` (start, talk to, time-limit, kill), :mod:`.session` (one submission's copy and
process), :mod:`.student` (the proxy checks call), :mod:`.launcher` (the warm launcher of class runs),
:mod:`.errors`. Student side (copied next to the data and run by path, never imported by the grader's
process): ``child.py``, ``confine.py``, ``zygote.py``.
"""
