"""The study team's view of the audit log, filterable by action, person and date range
(`pact_feedback.governance.audit_filters`); the same rows download as CSV."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from pact_feedback.audit.models import AuditEvent
from pact_feedback.core.access import is_global_study_team, require
from pact_feedback.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100


@bp.route("/")
@login_required
def index():
    from pact_feedback.governance.audit_filters import actor_emails, filtered_query, parse_filters

    require(is_global_study_team(current_user))
    filters = parse_filters(request.args)
    events = db.session.scalars(filtered_query(filters).limit(PAGE_SIZE)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "audit/index.html",
        events=events,
        actions=list(actions),
        selected=filters.action,
        filters=filters,
        emails=actor_emails(events),
        page_size=PAGE_SIZE,
    ), (422 if filters.errors else 200)
