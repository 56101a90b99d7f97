"""The migrations build exactly the schema the models describe; every revision runs both ways."""

import os
from datetime import datetime

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
    # Named after the suite's database, so runs on different test databases never share it.
    server, name = database_url.rsplit("/", 1)
    scratch = f"{name}_migrations"
    admin = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {scratch}"))
        conn.execute(text(f"CREATE DATABASE {scratch}"))
    yield f"{server}/{scratch}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
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


def test_stored_job_files_are_cut_into_chunks_and_joined_again(scratch_app):
    """0019 cuts each stored file into 1 MiB chunks in order (an empty file into none) and
    records its size; its downgrade joins them back into the one column."""
    mib = 1024 * 1024
    big = os.urandom(2 * mib + 5)  # three chunks, the last of 5 bytes
    upgrade(revision="0018_report_pdfs")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO job_runs (id, kind, description, created_at, total, done, errors,"
                " steps) VALUES (:id, 'analysis_export', 'Export', :at, 0, 0, 0, '[]')"
            ),
            [{"id": 1, "at": datetime(2026, 12, 1)}, {"id": 2, "at": datetime(2026, 12, 1)}],
        )
        conn.execute(
            text(
                "INSERT INTO job_files (id, job_run_id, name, media_type, data, created_at,"
                " expires_at) VALUES (:id, :id, 'a.zip', 'application/zip', :data, :at, :at)"
            ),
            [
                {"id": 1, "data": big, "at": datetime(2026, 12, 1)},
                {"id": 2, "data": b"", "at": datetime(2026, 12, 1)},
            ],
        )

    upgrade(revision="0019_job_file_chunks")

    with db.engine.connect() as conn:
        sizes = dict(conn.execute(text("SELECT id, size FROM job_files")).all())
        chunks = conn.execute(
            text("SELECT job_file_id, seq, data FROM job_file_chunks ORDER BY job_file_id, seq")
        ).all()
    assert sizes == {1: len(big), 2: 0}
    assert [(file_id, seq, len(data)) for file_id, seq, data in chunks] == [
        (1, 0, mib),
        (1, 1, mib),
        (1, 2, 5),
    ]
    assert b"".join(bytes(data) for *_, data in chunks) == big

    downgrade(revision="0018_report_pdfs")

    with db.engine.connect() as conn:
        files = conn.execute(text("SELECT id, data FROM job_files ORDER BY id")).all()
    assert [(file_id, bytes(data)) for file_id, data in files] == [(1, big), (2, b"")]
