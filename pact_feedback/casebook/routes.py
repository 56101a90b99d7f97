"""The casebook blueprint with every page's route, for the application factory."""

from pact_feedback.casebook import team_views, views  # noqa: F401  (each adds its routes)
from pact_feedback.casebook.blueprint import bp

__all__ = ["bp"]
