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
"""

import sqlite3

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

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record) -> None:
        dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        try:
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        finally:
            cursor.close()
