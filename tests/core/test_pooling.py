"""PostgreSQL connections are pinged only after sitting idle: a busy worker sends no extra
round trip a request, and a connection cut while idle (a restart) is replaced, not failed."""

import pytest
from sqlalchemy import text

from pact_feedback.extensions import db


@pytest.fixture
def pg_engine(another_app, database_url):
    def build(after):
        if not database_url.startswith("postgresql"):
            pytest.skip("SQLite is a file: nothing pings it")
        app = another_app(DATABASE_PING_AFTER_IDLE_SECONDS=after)
        with app.app_context():
            return db.engine

    return build


def statements(monkeypatch, work) -> list[str]:
    """Every statement psycopg sends while `work` runs (pings included: they skip SQLAlchemy's
    statement events)."""
    import psycopg

    seen, execute = [], psycopg.Cursor.execute

    def note(cursor, query, *args, **kwargs):
        seen.append(str(query))
        return execute(cursor, query, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", note)
        work()
    return seen


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_back_from_a_recent_request_is_not_pinged(pg_engine, monkeypatch):
    """Checked out again at once: no statement but the request's own."""
    engine = pg_engine(3600)
    backend_pid(engine)

    ran = statements(monkeypatch, lambda: backend_pid(engine))

    assert ran == ["SELECT pg_backend_pid()"]


def test_a_connection_cut_while_idle_is_replaced_before_use(pg_engine, database_url):
    """The server ends an idle connection (as a restart does): the next checkout pings it,
    finds it dead and hands out a fresh one; the request never sees an error."""
    engine = pg_engine(0)
    first = backend_pid(engine)
    with pg_engine(3600).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})

    assert backend_pid(engine) != first
