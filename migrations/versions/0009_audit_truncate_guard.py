"""The audit log cannot be emptied: a statement-level trigger refuses TRUNCATE.

0001's row-level trigger refuses UPDATE and DELETE, but TRUNCATE fires no row triggers, so
`TRUNCATE audit_events` used to succeed. PostgreSQL only (SQLite has no TRUNCATE). What a
database owner can still do, and how to keep the app's role apart from the owner's, is in
docs/governance.md ("Who can change the audit log").

Revision ID: 0009_audit_truncate_guard
Revises: 0013_casebook
"""

from alembic import op

revision = "0009_audit_truncate_guard"
down_revision = "0013_casebook"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # The function 0001 created raises for any trigger that calls it, row or statement.
        op.execute(
            """
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
            """
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
