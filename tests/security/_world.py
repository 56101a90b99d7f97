"""Shared helpers for the security tests: the access matrix's world, its routes and a snapshot of
every table (so a test can prove that a request changed nothing)."""

from flask import url_for
from sqlalchemy import select

from pact_feedback.extensions import db
from tests.test_access_matrix import IGNORED_METHODS

# Columns that change on a read by design: the session row's "last seen" touch (idle timeout).
VOLATILE = {("user_sessions", "last_seen_at")}
# Append-only logs of who read what: a read is recorded there on purpose (a report view or
# download, a QI export, a refused request). Their new rows are checked by `read_log_actions`.
READ_LOGS = {"audit_events", "report_accesses"}
READ_ACTIONS = {
    "access_denied",
    "report_view",
    "report_download",
    "qi_project_exported",
    "audit_exported",
    "uptake_exported",
    "job_file_downloaded",
    "uptake_viewed",  # issue 16: views of uptake statistics and participant lists are audited
    "participants_viewed",
}


def routes(app, methods):
    """(endpoint, method) for every served route whose method is in `methods`, in a fixed order."""
    found = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - IGNORED_METHODS
        if method in methods
    }
    return sorted(found)


def url(app, endpoint, values):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{k: values[k] for k in rule.arguments})


def snapshot(*, with_logs=False) -> dict[str, list[tuple]]:
    """Every row of every table (minus volatile columns and, unless asked, the read logs)."""
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name in READ_LOGS and not with_logs:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
        rows = db.session.execute(select(*columns)).all()
        tables[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    db.session.rollback()
    return tables


def changed_tables(before, after) -> dict[str, int]:
    """Tables whose rows differ, with the change in row count."""
    return {
        name: len(after[name]) - len(before[name]) for name in before if before[name] != after[name]
    }


def audit_actions_since(first_id: int) -> set[str]:
    from pact_feedback.audit.models import AuditEvent

    return set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.id > first_id)))


def last_audit_id() -> int:
    from pact_feedback.audit.models import AuditEvent

    return db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
