"""The embedded SQLite database's settings: WAL, synchronous FULL unless configured, a busy
timeout, and write transactions that take the write lock when they begin (BEGIN IMMEDIATE).
Built on its own SQLite file, so this runs whatever database the rest of the suite uses."""

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from pact_feedback import create_app
from pact_feedback.extensions import db


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pact.sqlite3'}")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE counter (n INTEGER)"))
            conn.execute(text("INSERT INTO counter VALUES (0)"))
        yield app
        db.session.remove()
        db.engine.dispose()


def test_wal_full_sync_and_busy_timeout(sqlite_app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        # pysqlite opens a transaction before the first INSERT/UPDATE/DELETE: BEGIN IMMEDIATE.
        assert conn.connection.driver_connection.isolation_level == "IMMEDIATE"


def test_synchronous_follows_config(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'normal.sqlite3'}",
        SQLITE_SYNCHRONOUS="normal",
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        db.engine.dispose()


def test_an_unknown_synchronous_level_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="SQLITE_SYNCHRONOUS"):
        create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}",
            SQLITE_SYNCHRONOUS="sometimes",
        )


def test_reads_hold_no_lock_and_the_first_write_takes_the_write_lock(sqlite_app, tmp_path):
    other = sqlite3.connect(tmp_path / "pact.sqlite3", timeout=0, isolation_level=None)
    try:
        db.session.execute(text("SELECT n FROM counter")).scalar()
        # A read outside a write transaction: another writer is not blocked.
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")

        db.session.execute(text("UPDATE counter SET n = n + 1"))
        # The write began the transaction IMMEDIATE: the lock is ours until commit.
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.commit()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert db.session.execute(text("SELECT n FROM counter")).scalar() == 1


def _write_in_thread(app, value: int, done: list):
    def run():
        with app.app_context():
            db.session.execute(text("INSERT INTO counter VALUES (:n)"), {"n": value})
            db.session.commit()
            done.append(value)
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_writers_take_turns_through_the_queue_and_go_the_moment_it_is_free(sqlite_app, tmp_path):
    assert (tmp_path / "pact.sqlite3-writers.lock").exists()
    db.session.execute(text("UPDATE counter SET n = 1"))  # our write transaction, still open
    done = []
    waiting = _write_in_thread(sqlite_app, 2, done)
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and done == []  # queued behind us, not failed
    db.session.commit()
    waiting.join(timeout=10)
    assert done == [2]
    assert sorted(db.session.execute(text("SELECT n FROM counter")).scalars()) == [1, 2]


def test_a_failed_write_gives_up_its_turn(sqlite_app):
    with pytest.raises(OperationalError):
        db.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    db.session.rollback()
    with pytest.raises(OperationalError):  # fails before any transaction began
        db.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    done = []
    _write_in_thread(sqlite_app, 3, done).join(timeout=10)
    assert done == [3]


def test_a_second_connection_in_the_same_thread_does_not_wait_for_itself(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'nested.sqlite3'}",
        SQLITE_BUSY_TIMEOUT_MS=100,
    )
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        db.session.execute(text("INSERT INTO counter VALUES (1)"))
        # Same thread, another connection: SQLite's busy timeout answers, not a hang.
        with pytest.raises(OperationalError, match="locked"), db.engine.begin() as other:
            other.execute(text("INSERT INTO counter VALUES (2)"))
        db.session.commit()
        with db.engine.begin() as other:
            other.execute(text("INSERT INTO counter VALUES (2)"))
        assert db.session.execute(text("SELECT count(*) FROM counter")).scalar() == 2
        db.session.remove()
        db.engine.dispose()


def test_the_queue_can_be_turned_off(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plain.sqlite3'}",
        SQLITE_WRITER_QUEUE=False,
    )
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        assert not (tmp_path / "plain.sqlite3-writers.lock").exists()
        assert type(db.engine.raw_connection().driver_connection) is sqlite3.Connection
        db.engine.dispose()
