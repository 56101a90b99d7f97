"""Database connections that went away while idle are replaced, without a round trip a request.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` on every checkout: on PostgreSQL, one more round
trip for every request (a diary entry is otherwise 6 statements and its commit). A connection
is cut by a database restart, a failover or a firewall's idle timeout, and those happen while
it sits in the pool, not in the milliseconds between two requests of a busy worker. So a
connection is pinged only when it was idle for `DATABASE_PING_AFTER_IDLE_SECONDS` (default 10;
0 pings every checkout, as `pool_pre_ping` did); a dead one is replaced before the request uses
it (SQLAlchemy's recipe: raise DisconnectionError on checkout). docs/performance.md.
"""

import time

from flask import Flask
from sqlalchemy import event, exc

from pact_feedback.extensions import db


def init_idle_ping(app: Flask) -> None:
    after = float(app.config.get("DATABASE_PING_AFTER_IDLE_SECONDS", 10))
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        return  # a file: nothing to cut

    @event.listens_for(engine, "checkin")
    def _note_idle(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < after:
            return  # new, or back from a request moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)  # what pool_pre_ping sends (";")
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error
