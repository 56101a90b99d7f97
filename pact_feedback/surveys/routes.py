"""The surveys blueprint with every page's route, for the application factory."""

from pact_feedback.surveys import manage, stats, views  # noqa: F401  (each adds its routes)
from pact_feedback.surveys.blueprint import bp

__all__ = ["bp"]
