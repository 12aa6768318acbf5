"""Grading settings and where they come from.

- :mod:`grader.config.settings`: the settings themselves (:class:`GradingConfig`), with their defaults;
- :mod:`grader.config.file`: ``grader.toml`` / ``[tool.grader]``: find, validate, build a config;
- :mod:`grader.config.options`: command-line options on top of the file (precedence);
- :mod:`grader.config.show`: ``grader config --show``, the effective configuration as TOML.
"""

from grader.config.settings import DEFAULT_POINTS, GradingConfig, PassMark, TrainingSettings, parse_pass_mark

__all__ = ["DEFAULT_POINTS", "GradingConfig", "PassMark", "TrainingSettings", "parse_pass_mark"]
