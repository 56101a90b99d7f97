"""The real app with SQLite pragmas set on every connection, for measuring only.

    gunicorn 'bench.diary_app_pragmas:app_with(db="/tmp/x.sqlite3", sync="NORMAL")'

WAL journal, `synchronous` NORMAL or FULL, a 15 s busy timeout, and BEGIN IMMEDIATE for every
transaction (the SQLAlchemy recipe: pysqlite's own BEGIN switched off), so a request that
reads before it writes waits for the write lock instead of failing with "database is locked".
This is what `extensions.py` could do for SQLite deployments; the bench measures it first.
"""

from sqlalchemy import event

from pact_feedback import create_app
from pact_feedback.extensions import db


def app_with(db_path: str = "", sync: str = "NORMAL", **_):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}")
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={'FULL' if sync == 'FULL' else 'NORMAL'}")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        engine.dispose()
    return app
