"""Ids are never reused on SQLite: every table keyed by `id` becomes AUTOINCREMENT; and a
withdrawal records when the participant's data was erased (their standing: "erased").

Without it SQLite hands the largest id out again once its row is deleted, so an erased
participant's diary day id went to someone else's next day and old audit rows pointed at it.
SQLite cannot alter a key, so each table is rebuilt (create new, copy, drop, rename, indexes),
SQLite's own recipe. PostgreSQL sequences never go back: nothing to do there.

Revision ID: 0008_sqlite_autoincrement
Revises: 0009_audit_truncate_guard
"""

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0008_sqlite_autoincrement"
down_revision = "0009_audit_truncate_guard"
branch_labels = None
depends_on = None

PLAIN_ID = re.compile(r"\bid INTEGER NOT NULL,")
NAMED_KEY = re.compile(r"\s*CONSTRAINT \w+ PRIMARY KEY \(id\),?")
AUTO_ID = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"


def _with_autoincrement(sql: str) -> str | None:
    if not PLAIN_ID.search(sql) or not NAMED_KEY.search(sql):
        return None
    sql = NAMED_KEY.sub("", PLAIN_ID.sub(AUTO_ID, sql, count=1), count=1)
    return re.sub(r",\s*\)\s*$", "\n)", sql)  # the key may have been the last clause


def _without_autoincrement(sql: str, name: str) -> str | None:
    if AUTO_ID not in sql:
        return None
    sql = sql.replace(AUTO_ID, "id INTEGER NOT NULL,", 1)
    return re.sub(r"\)\s*$", f",\n\tCONSTRAINT pk_{name} PRIMARY KEY (id)\n)", sql)


def _rebuild(rewrite) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    tables = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
    ).all()
    for name, sql in tables:
        new_sql = rewrite(sql, name)
        if new_sql is None:
            continue
        indexes = (
            conn.execute(
                text(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
                ),
                {"t": name},
            )
            .scalars()
            .all()
        )
        columns = ", ".join(
            f'"{row[1]}"' for row in conn.execute(text(f'PRAGMA table_info("{name}")'))
        )
        temporary = f"_rebuild_{name}"
        create = re.sub(r'^CREATE TABLE "?\w+"? \(', f'CREATE TABLE "{temporary}" (', new_sql)
        conn.execute(text(create))
        conn.execute(text(f'INSERT INTO "{temporary}" ({columns}) SELECT {columns} FROM "{name}"'))
        conn.execute(text(f'DROP TABLE "{name}"'))
        conn.execute(text(f'ALTER TABLE "{temporary}" RENAME TO "{name}"'))
        for index in indexes:
            conn.execute(text(index))


def upgrade():
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "erased_at",
                sa.DateTime(),
                nullable=True,
                comment="When their diary data in the study was erased (UTC); empty if kept",
            )
        )
    _rebuild(lambda sql, name: _with_autoincrement(sql))


def downgrade():
    _rebuild(_without_autoincrement)
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
