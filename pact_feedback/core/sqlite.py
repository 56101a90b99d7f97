"""SQLite settings for the embedded database (PostgreSQL needs none of this).

- WAL journal: readers never block the writer, and a commit appends to the log instead of
  rewriting pages, which is what lets two gunicorn workers share one file.
- `synchronous` from `SQLITE_SYNCHRONOUS`, default FULL: an entry we have acknowledged is on
  disk, so it survives a power cut as well as a crash (the phone has already dropped its
  copy). Measured, FULL costs this app 5-13% of its write throughput against NORMAL, because
  a request spends far more time in Python than in fsync (docs/performance.md).
- A busy timeout, so a writer waits its turn instead of failing with "database is locked".
- Write transactions begin IMMEDIATE: pysqlite opens a transaction before the first INSERT,
  UPDATE or DELETE, and with isolation_level "IMMEDIATE" it takes the write lock there and
  then. Reads before it run without a transaction, so read-only requests never queue behind a
  writer. Code that must read and then write consistently writes first (see
  diary.actions.claim_day), so the lock is held before it reads.
- Writers queue in the kernel, not in SQLite's busy handler: that handler polls, sleeping
  1, 2, 5, 10... ms between tries, so a writer that finds the lock taken waits at least a
  millisecond even when the lock is free again a tenth of one later. Measured under load
  (two gunicorn workers POSTing diary entries), a quarter of the writes slept at least 1 ms and
  the slowest 1% 3.4 ms, in write transactions that hold the lock for well under a
  millisecond. So each connection takes an exclusive `flock` on a file beside the database
  just before its write transaction begins and lets go when it ends; a waiting writer is woken
  the moment the holder lets go. The flock is only a queue in front of SQLite's own lock (which
  still guarantees correctness, and still has the busy timeout for writers outside this app,
  such as the sqlite3 shell); a process that dies lets go of it with its file descriptors.
- FULL's fsync happens after the locks are let go (`SQLITE_SYNC_AFTER_UNLOCK`, on by default).
  SQLite's own FULL syncs the WAL inside the commit, while it still holds the write lock, so
  every other writer waits out each fsync: commits are capped at one per fsync, which on a
  disk that takes 3 ms to sync is about 300 a second whatever the CPU could do. So the
  database runs at `synchronous=NORMAL` (in WAL mode SQLite then syncs only around
  checkpoints: WAL before, database after) and the committing connection `fdatasync`s the
  WAL itself once SQLite's lock and the writer queue are free, before `commit()` returns.
  What was promised is kept: an acknowledged commit is on disk (recovery replays the WAL up
  to its last valid commit, and an fdatasync flushes every frame written before it). What
  changes is that another connection may read a commit a few milliseconds before it is
  synced, so a request that acknowledges something someone else wrote (an API retry's
  replay) calls `sync_committed_writes()` first. Two writers' syncs overlap instead of
  queueing, which is group commit as far as the disk allows.
"""

import fcntl
import os
import sqlite3
import threading

from flask import Flask
from sqlalchemy import event

from pact_feedback.extensions import db

SYNCHRONOUS_LEVELS = {"OFF", "NORMAL", "FULL", "EXTRA"}


def init_sqlite(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    synchronous = str(app.config.get("SQLITE_SYNCHRONOUS", "FULL")).upper()
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be one of {sorted(SYNCHRONOUS_LEVELS)}")
    busy_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000))
    on_disk = engine.url.database not in (None, "", ":memory:")
    database = os.path.abspath(engine.url.database) if on_disk else ""
    queue = on_disk and app.config.get("SQLITE_WRITER_QUEUE", True)
    sync_after_unlock = (
        on_disk and synchronous == "FULL" and app.config.get("SQLITE_SYNC_AFTER_UNLOCK", True)
    )
    if queue or sync_after_unlock:
        connection_class = _connection_class(database + "-writers.lock" if queue else None)

        @event.listens_for(engine, "do_connect")
        def _use_our_connection(_dialect, _record, _cargs, cparams) -> None:
            cparams["factory"] = connection_class

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record) -> None:
        dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        try:
            level = synchronous
            if on_disk:
                mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if sync_after_unlock and mode == "wal":  # else SQLite keeps FULL itself
                    dbapi_connection.wal_path = database + "-wal"
                    level = "NORMAL"
            cursor.execute(f"PRAGMA synchronous={level}")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        finally:
            cursor.close()


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class _QueuedWriterCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        return self._in_turn(super().execute, sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        return self._in_turn(super().executemany, sql, seq_of_parameters)

    def _in_turn(self, run, sql, parameters):
        """Run a statement, first waiting for the turn if it begins a write transaction (as
        pysqlite does: before the first INSERT/UPDATE/DELETE/REPLACE outside one)."""
        connection = self.connection
        begins_write = not connection.in_transaction and sql.lstrip()[:7].upper().startswith(
            _WRITES
        )
        if begins_write:
            connection.wait_for_turn()
        try:
            return run(sql, parameters)
        finally:
            if begins_write and not connection.in_transaction:
                connection.end_turn()  # the statement failed, or ran outside a transaction


# Turns this thread holds. A thread that already holds one (two connections in one request)
# does not queue again for another: it would wait for itself. That write falls back to
# SQLite's busy timeout, as it would without the queue.
_threads_with_a_turn: set[int] = set()


def sync_file(path: str) -> None:
    """fdatasync a file by its path (any descriptor of the file flushes all of its data). A
    WAL that is gone was checkpointed into the database, which that checkpoint synced."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fdatasync(fd)
    finally:
        os.close(fd)


def sync_committed_writes() -> None:
    """Before acknowledging a row another request committed: on SQLite syncing after the
    lock, that commit may still be on its way to the disk, so sync the WAL here too (at
    once when it is already there). Nothing to do elsewhere: PostgreSQL shows a commit to
    others only once it is flushed, and SQLite's own FULL syncs inside the lock."""
    connection = db.session.connection().connection.dbapi_connection
    wal_path = getattr(connection, "wal_path", None)
    if wal_path:
        sync_file(wal_path)


def _connection_class(lock_path: str | None) -> type[sqlite3.Connection]:
    class PactConnection(sqlite3.Connection):
        """A pysqlite connection whose write transactions take turns through an flock (with
        `lock_path`) and, with `wal_path` (set once WAL mode is confirmed), which syncs the
        WAL after each write commit, once the locks are let go."""

        wal_path: str | None = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._turn_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600) if lock_path else -1
            self._turn_thread = 0  # the holding thread's id while this connection has the turn

        def wait_for_turn(self) -> None:
            thread = threading.get_ident()
            if not self._turn_thread and thread not in _threads_with_a_turn:
                fcntl.flock(self._turn_fd, fcntl.LOCK_EX)
                self._turn_thread = thread
                _threads_with_a_turn.add(thread)

        def end_turn(self) -> None:
            if self._turn_thread:
                _threads_with_a_turn.discard(self._turn_thread)
                self._turn_thread = 0
                fcntl.flock(self._turn_fd, fcntl.LOCK_UN)

        def cursor(self, factory=None):
            if factory is None:
                factory = _QueuedWriterCursor if self._turn_fd >= 0 else sqlite3.Cursor
            return super().cursor(factory)

        def commit(self):
            wrote = self.in_transaction  # reads open no transaction (IMMEDIATE: writes do)
            try:
                super().commit()
            finally:
                self.end_turn()
            if wrote and self.wal_path:
                sync_file(self.wal_path)

        def rollback(self):
            try:
                super().rollback()
            finally:
                self.end_turn()

        def close(self):
            try:
                super().close()
            finally:
                self._let_go()

        def __del__(self):  # dropped without close(): never keep other writers waiting
            self._let_go()

        def _let_go(self) -> None:
            if getattr(self, "_turn_fd", -1) < 0:  # closed already, or never opened
                return
            self.end_turn()
            os.close(self._turn_fd)
            self._turn_fd = -1

    return PactConnection
