"""The embedded SQLite database's settings: WAL, synchronous FULL unless configured (its fsync
made by the committing connection once the locks are free), a busy timeout, and write
transactions that take the write lock when they begin (BEGIN IMMEDIATE). Built on its own
SQLite file, so this runs whatever database the rest of the suite uses."""

import fcntl
import os
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


def test_wal_full_sync_and_busy_timeout(sqlite_app, tmp_path):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # FULL, with the WAL's fsync made by the connection after the lock (below)
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        assert conn.connection.driver_connection.wal_path == f"{tmp_path / 'pact.sqlite3'}-wal"
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


def test_the_queue_and_the_sync_after_unlock_can_be_turned_off(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plain.sqlite3'}",
        SQLITE_WRITER_QUEUE=False,
        SQLITE_SYNC_AFTER_UNLOCK=False,
    )
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        assert not (tmp_path / "plain.sqlite3-writers.lock").exists()
        assert type(db.engine.raw_connection().driver_connection) is sqlite3.Connection
        with db.engine.connect() as conn:  # SQLite syncs inside its own commit again
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        db.engine.dispose()


@pytest.fixture
def syncs(monkeypatch):
    """Every fdatasync made in this process: the file's inode, and whether, at that moment,
    another writer could have taken the writer queue and SQLite's write lock."""
    made = []
    real = os.fdatasync

    def watched(fd):
        made.append({"inode": os.fstat(fd).st_ino, "locks_free": _locks_free()})
        return real(fd)

    monkeypatch.setattr(os, "fdatasync", watched)
    return made


_DATABASE = {}


def _locks_free() -> bool:
    path = _DATABASE.get("path")
    if path is None:
        return False
    queue = os.open(f"{path}-writers.lock", os.O_RDWR)
    try:
        fcntl.flock(queue, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises when a writer holds it
        fcntl.flock(queue, fcntl.LOCK_UN)
    except BlockingIOError:
        return False
    finally:
        os.close(queue)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # raises "database is locked" while a write is open
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_write_commit_syncs_the_wal_once_the_locks_are_free(sqlite_app, tmp_path, syncs):
    _DATABASE["path"] = str(tmp_path / "pact.sqlite3")
    try:
        db.session.execute(text("UPDATE counter SET n = 5"))
        db.session.commit()
        wal = os.stat(f"{tmp_path / 'pact.sqlite3'}-wal").st_ino
        assert syncs == [{"inode": wal, "locks_free": True}]
        # A read commits no write, so nothing to sync; the write is there for a new reader.
        assert db.session.execute(text("SELECT n FROM counter")).scalar() == 5
        db.session.commit()
        assert len(syncs) == 1
        reader = sqlite3.connect(tmp_path / "pact.sqlite3")
        assert reader.execute("SELECT n FROM counter").fetchone() == (5,)
        reader.close()
    finally:
        _DATABASE.clear()


def test_a_rolled_back_write_syncs_nothing(sqlite_app, syncs):
    db.session.execute(text("UPDATE counter SET n = 6"))
    db.session.rollback()
    assert syncs == []


def test_acknowledging_another_requests_write_syncs_the_wal_first(sqlite_app, tmp_path, syncs):
    from pact_feedback.core.sqlite import sync_committed_writes

    sync_committed_writes()
    assert [s["inode"] for s in syncs] == [os.stat(f"{tmp_path / 'pact.sqlite3'}-wal").st_ino]


@pytest.mark.parametrize("level, pragma", [("EXTRA", 3), ("NORMAL", 1)])
def test_other_levels_are_left_to_sqlite(tmp_path, syncs, level, pragma):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'other.sqlite3'}",
        SQLITE_SYNCHRONOUS=level,
    )
    with app.app_context():
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == pragma
            conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        assert syncs == []  # no sync of ours: SQLite's own, or none
        db.engine.dispose()
