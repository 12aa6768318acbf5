"""The checks of TP1, declared once each, in report order.

Importing this package registers them in :data:`REGISTRY`.
"""

from grader.checks.base import REGISTRY, CheckContext, CheckSpec, Outcome, check
from grader.checks import load, mse, linear, context, descent, train  # noqa: F401,E402  (registration)

CHECK_IDS = tuple(spec.id for spec in REGISTRY)

__all__ = ["REGISTRY", "CHECK_IDS", "CheckContext", "CheckSpec", "Outcome", "check"]
