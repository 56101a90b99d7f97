"""The append-only audit log: the application inserts rows and never updates or deletes them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, comment="Row number, in order of writing")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True, comment="When (UTC)")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), comment="Who acted; empty for the system"
    )
    action: Mapped[str] = mapped_column(String(64), comment="What happened, e.g. sign_in")
    object_type: Mapped[str | None] = mapped_column(String(64), comment="Kind of object acted on")
    object_id: Mapped[str | None] = mapped_column(String(64), comment="Id of the object acted on")
    subject: Mapped[str | None] = mapped_column(
        String(320), index=True, comment="Email or key the event is about (used for throttling)"
    )
    ip_address: Mapped[str | None] = mapped_column(String(64), comment="Client address")
    details: Mapped[dict] = mapped_column(JSON, default=dict, comment="Structured context")


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances) -> None:
    """The application never updates or deletes audit rows (PostgreSQL also has a trigger)."""
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly("audit events cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditLogIsAppendOnly("audit events cannot be changed")
