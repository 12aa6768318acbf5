"""Per-feature message catalogues: each module defines ``EN`` and ``FR`` dicts (same keys).

See :func:`grader.i18n.catalogue`. Keep the two languages of a message next to each other.
"""
