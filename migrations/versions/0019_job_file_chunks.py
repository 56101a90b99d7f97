"""Job files in 1 MiB chunks (job_file_chunks) with their size, instead of one job_files.data.

A whole-UK analysis export is a 34 MB ZIP: stored as one value, the worker held it twice and a
web worker held it (on PostgreSQL several times) to send it. Existing files are cut into chunks
by the database itself (a recursive query, the same on SQLite and PostgreSQL). The old `data`
column is dropped: keeping it would store every file twice, or leave a column that lies.

Revision ID: 0019_job_file_chunks
Revises: 0018_report_pdfs
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_job_file_chunks"
down_revision = "0018_report_pdfs"
branch_labels = None
depends_on = None

CHUNK = 1024 * 1024  # as pact_feedback.jobs.files.CHUNK when this was written

# substr() counts bytes from 1 on a BLOB (SQLite) and a bytea (PostgreSQL) alike.
CUT_INTO_CHUNKS = sa.text(
    """
    INSERT INTO job_file_chunks (job_file_id, seq, data)
    WITH RECURSIVE pieces (job_file_id, seq) AS (
        SELECT id, 0 FROM job_files WHERE length(data) > 0
        UNION ALL
        SELECT pieces.job_file_id, pieces.seq + 1
        FROM pieces JOIN job_files ON job_files.id = pieces.job_file_id
        WHERE (pieces.seq + 1) * :chunk < length(job_files.data)
    )
    SELECT pieces.job_file_id, pieces.seq, substr(job_files.data, pieces.seq * :chunk + 1, :chunk)
    FROM pieces JOIN job_files ON job_files.id = pieces.job_file_id
    """
).bindparams(chunk=CHUNK)


def upgrade():
    op.create_table(
        "job_file_chunks",
        sa.Column("job_file_id", sa.Integer(), autoincrement=False, nullable=False, comment="The file it is part of"),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False, comment="Its place in the file, from 0"),
        sa.Column("data", sa.LargeBinary(), nullable=False, comment="Its bytes (1 MiB but the last)"),
        sa.CheckConstraint("seq >= 0", name=op.f("ck_job_file_chunks_seq_positive")),
        sa.ForeignKeyConstraint(["job_file_id"], ["job_files.id"], name=op.f("fk_job_file_chunks_job_file_id_job_files"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_file_id", "seq", name=op.f("pk_job_file_chunks")),
    )
    op.add_column("job_files", sa.Column("size", sa.BigInteger(), nullable=True, comment="Its length in bytes (Content-Length)"))
    op.execute(CUT_INTO_CHUNKS)
    op.execute("UPDATE job_files SET size = length(data)")
    # SQLite rebuilds the table: keep its AUTOINCREMENT key (migration 0008).
    with op.batch_alter_table("job_files", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column("size", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_job_files_size_positive"), "size >= 0")
        batch_op.drop_column("data")


def downgrade():
    op.add_column("job_files", sa.Column("data", sa.LargeBinary(), nullable=True, comment="The file"))
    conn = op.get_bind()
    files = conn.execute(sa.text("SELECT id FROM job_files")).scalars().all()
    for file_id in files:  # the old layout holds a whole file: one at a time
        pieces = conn.execute(
            sa.text("SELECT data FROM job_file_chunks WHERE job_file_id = :id ORDER BY seq"), {"id": file_id}
        ).scalars()
        data = b"".join(bytes(piece) for piece in pieces)
        conn.execute(sa.text("UPDATE job_files SET data = :data WHERE id = :id"), {"data": data, "id": file_id})
    with op.batch_alter_table("job_files", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column("data", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_constraint(op.f("ck_job_files_size_positive"), type_="check")
        batch_op.drop_column("size")
    op.drop_table("job_file_chunks")
