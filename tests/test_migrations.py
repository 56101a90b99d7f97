"""The migrations build exactly the schema the models describe; every revision runs both ways."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from pact_feedback import create_app
from pact_feedback.extensions import db


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same kind as the suite's: a new file, or a new PostgreSQL DB."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    admin = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS pact_migrations_test"))
        conn.execute(text("CREATE DATABASE pact_migrations_test"))
    yield database_url.rsplit("/", 1)[0] + "/pact_migrations_test"
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS pact_migrations_test WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def scratch_app(scratch_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _revisions(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_models_and_migrations_agree(scratch_app):
    """After `upgrade`, autogenerate finds nothing to change: no table, column or index drift."""
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_each_revision_runs_up_and_down(scratch_app):
    """Every revision upgrades from its parent, and every downgrade runs back to an empty DB."""
    revisions = _revisions(scratch_app)
    assert revisions, "no migrations found"
    for revision in revisions:
        upgrade(revision=revision)
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "users" in inspect(db.engine).get_table_names()


def test_audit_log_refuses_updates_on_postgresql(scratch_app):
    """On PostgreSQL a trigger makes the audit log append-only, whatever the application does."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite relies on the application")
    upgrade()
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO audit_events (at, action, details) VALUES (now(), 'test', '{}')")
        )
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'changed'"))
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))


def test_application_refuses_to_change_or_delete_audit_events(ctx):
    from pact_feedback.audit.log import record
    from pact_feedback.audit.models import AuditLogIsAppendOnly

    event = record("test_event", subject="someone@example.org")
    db.session.commit()
    event.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_history_has_one_head(scratch_app):
    """`flask db upgrade` (Flask-Migrate's default target, "head") needs exactly one head."""
    script = ScriptDirectory.from_config(scratch_app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, script.get_heads()
    upgrade()
    assert "users" in inspect(db.engine).get_table_names()
