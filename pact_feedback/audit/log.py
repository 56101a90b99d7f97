"""Writing audit events: every action calls `record` inside its own transaction."""

from flask import has_request_context, request
from flask_login import current_user

from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db


def record(action: str, *, by=None, obj=None, subject: str | None = None, **details) -> AuditEvent:
    """Add an audit event to the current session (the caller commits with its own change)."""
    actor = by if by is not None else _current_actor()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None and obj.id is not None else None,
        subject=subject,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None
