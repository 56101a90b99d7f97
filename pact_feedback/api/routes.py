"""The API blueprint with every resource's routes, for the application factory."""

from pact_feedback.api import (  # noqa: F401  (each adds its routes)
    audit_tables,
    days,
    description,
    entries,
    studies,
    uptake,
)
from pact_feedback.api.blueprint import bp

__all__ = ["bp"]
