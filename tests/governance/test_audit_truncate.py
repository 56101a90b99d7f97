"""On PostgreSQL nothing the app's database role can run empties the audit log: row triggers
refuse UPDATE and DELETE (0001), a statement trigger refuses TRUNCATE (0009), also when it
arrives through TRUNCATE ... CASCADE on a table the log refers to."""

import pytest
from sqlalchemy import func, select, text

from pact_feedback.audit.log import record
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from tests.conftest import make_user


@pytest.fixture
def logged(ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE and the triggers are PostgreSQL's; SQLite relies on the ORM guard")
    user = make_user()
    record("sign_in", by=user, subject=user.email)
    db.session.commit()
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    db.session.rollback()  # an open read transaction would hold TRUNCATE's lock forever
    return count


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_events",
        "TRUNCATE audit_events RESTART IDENTITY",
        "TRUNCATE users CASCADE",  # audit_events.actor_id refers to users
    ],
)
def test_truncating_the_audit_log_is_refused(logged, statement):
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(text(statement))
    assert db.session.scalar(select(func.count(AuditEvent.id))) == logged
