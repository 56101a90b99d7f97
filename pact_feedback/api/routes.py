"""The API blueprint with every resource's routes, for the application factory."""

from pact_feedback.api import days, description, entries, studies, uptake  # noqa: F401  (routes)
from pact_feedback.api.blueprint import bp

__all__ = ["bp"]
