"""Filtering the audit log by action, actor and date range (for its page and CSV export)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select

from pact_feedback.accounts.models import User
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    date_from: str = ""
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in (
                ("action", self.action),
                ("actor", self.actor),
                ("from", self.date_from),
                ("to", self.date_to),
            )
            if v
        }


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_filters(args) -> AuditFilters:
    filters = AuditFilters(
        action=args.get("action", "").strip(),
        actor=args.get("actor", "").strip(),
        date_from=args.get("from", "").strip(),
        date_to=args.get("to", "").strip(),
    )
    for name, label in (("date_from", "from"), ("date_to", "to")):
        value = getattr(filters, name)
        if value and _parse_date(value) is None:
            filters.errors[name] = f"Enter the '{label}' date as a real date, like 2026-11-25"
    if (
        not filters.errors
        and filters.date_from
        and filters.date_to
        and _parse_date(filters.date_to) < _parse_date(filters.date_from)
    ):
        filters.errors["date_to"] = "The 'to' date must be the same as or after the 'from' date"
    return filters


def filtered_query(filters: AuditFilters) -> Select:
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        if filters.actor.isdigit():
            query = query.where(AuditEvent.actor_id == int(filters.actor))
        else:
            ids = select(User.id).where(func.lower(User.email) == filters.actor.lower())
            query = query.where(AuditEvent.actor_id.in_(ids))
    if filters.errors:
        return query
    if filters.date_from:
        start = datetime.combine(_parse_date(filters.date_from), datetime.min.time())
        query = query.where(AuditEvent.at >= start)
    if filters.date_to:
        end = datetime.combine(
            _parse_date(filters.date_to) + timedelta(days=1), datetime.min.time()
        )
        query = query.where(AuditEvent.at < end)
    return query


def actor_emails(events) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())
