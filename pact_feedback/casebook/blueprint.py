"""The casebook blueprint. Route modules (`views`, `team_views`) add to it; `casebook.routes`
gathers them for the factory."""

from flask import Blueprint

from pact_feedback.casebook.actions import form_for

bp = Blueprint("casebook", __name__)


@bp.app_context_processor
def _casebook_links():
    """Practice and participation pages link to the audit without importing this package."""
    return {"has_record_audit": lambda study: form_for(study) is not None}
