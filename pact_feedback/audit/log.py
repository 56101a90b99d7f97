"""Writing audit events: every action calls `record` inside its own transaction."""

from flask import has_request_context, request
from flask_login import current_user

from pact_feedback.audit.models import AuditEvent
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db


def record(action: str, *, by=None, obj=None, subject: str | None = None, **details) -> AuditEvent:
    """Add an audit event to the current session (the caller commits with its own change)."""
    event = AuditEvent(**_event_values(action, by, obj, subject, details))
    db.session.add(event)
    return event


def record_read(action: str, *, by=None, obj=None, subject: str | None = None, **details) -> None:
    """Audit a read of personal data (a page viewed, a file exported, an access refused) and
    commit it at once: the one kind of write a GET makes (docs/decisions/0003-floors.md), and
    the row must stand even when the answer then fails."""
    record(action, by=by, obj=obj, subject=subject, **details)
    commit()


def row_values(
    action: str, *, by=None, object_class: type, object_id, subject: str | None = None, **details
) -> dict:
    """An audit event's row as values, for a Core statement that writes it without an ORM
    object in the session's transaction: the diary's hot write path (diary.actions.insert_entry),
    where the unit of work costs more than the insert. The object is named by its class and id
    (None: the statement fills it in)."""
    values = _event_values(action, by, None, subject, details)
    return values | {
        "at": utcnow(),
        "object_type": object_class.__name__,
        "object_id": None if object_id is None else str(object_id),
    }


def _event_values(action: str, by, obj, subject: str | None, details: dict) -> dict:
    actor = by if by is not None else _current_actor()
    return {
        "actor_id": getattr(actor, "id", None),
        "action": action,
        "object_type": type(obj).__name__ if obj is not None else None,
        "object_id": str(obj.id) if obj is not None and obj.id is not None else None,
        "subject": subject,
        "ip_address": request.remote_addr if has_request_context() else None,
        "details": details,
    }


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None
