"""The study team's view of the audit log, filterable by action and person."""

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
    require(is_global_study_team(current_user))
    action = request.args.get("action", "")
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE)
    if action:
        query = query.where(AuditEvent.action == action)
    events = db.session.scalars(query).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "audit/index.html", events=events, actions=list(actions), selected=action
    )
