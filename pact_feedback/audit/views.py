"""The study team's view of the audit log, filterable by action, person and date range
(`pact_feedback.audit.filters`); the same rows download as CSV."""

import json

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from pact_feedback.accounts.access import is_global_study_team, require
from pact_feedback.audit.filters import actor_emails, filtered_query, parse_filters
from pact_feedback.audit.log import record_read
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.studies.models import Study
from pact_feedback.tabulation import exports

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100


@bp.route("/")
@login_required
def index():
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
        study_names=study_names(events),
        about=about,
        page_size=PAGE_SIZE,
    ), (422 if filters.errors else 200)


@bp.route("/export.csv")
@login_required
def export_csv():
    require(is_global_study_team(current_user))
    filters = parse_filters(request.args)
    if filters.errors:
        return Response(" ".join(filters.errors.values()), status=422, mimetype="text/plain")
    events = db.session.scalars(filtered_query(filters)).all()
    header = [
        "id",
        "at",
        "action",
        "actor_id",
        "object_type",
        "object_id",
        "subject",
        "ip_address",
        "details",
    ]
    rows = [
        [
            e.id,
            e.at.isoformat(sep=" "),
            e.action,
            e.actor_id or "",
            e.object_type or "",
            e.object_id or "",
            e.subject or "",
            e.ip_address or "",
            json.dumps(e.details or {}, sort_keys=True),
        ]
        for e in events
    ]
    record_read("audit_exported", by=current_user, filters=filters.as_args(), rows=len(events))
    return Response(
        exports.csv_rows(header, rows),  # formula-safe, like every CSV the app writes
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )


# Words for audit rows: the study an event is about by name, and what an event without a
# subject was about (an export's wave, format and rows).
_SKIP = {"path", "method", "hidden"}


def study_names(events) -> dict[str, str]:
    """{study id as text: "Title (round n)"} for events whose object is a study."""
    ids = {int(e.object_id) for e in events if e.object_type == "Study" and e.object_id}
    if not ids:
        return {}
    studies = db.session.scalars(select(Study).where(Study.id.in_(ids)))
    return {str(s.id): s.display_name for s in studies}


def about(event) -> str:
    """The subject, or else a short summary of the event's details."""
    if event.subject:
        return event.subject
    parts = []
    for key, value in (event.details or {}).items():
        if key in _SKIP or value in (None, "", [], {}):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        parts.append(f"{key.replace('_', ' ')}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= 160 else text[:157] + "…"
