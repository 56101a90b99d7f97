"""Released reports printed ahead by a worker (report_pdfs), served on download when current.

Revision ID: 0018_report_pdfs
Revises: 0017_kept_session_rotation
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_report_pdfs"
down_revision = "0017_kept_session_rotation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_pdfs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("reader", sa.String(length=20), nullable=False, comment="Whose copy: practice or owner"),
        sa.Column("fingerprint", sa.String(length=64), nullable=False, comment="SHA-256 of what was printed"),
        sa.Column("data", sa.LargeBinary(), nullable=False, comment="The PDF"),
        sa.Column("job_run_id", sa.Integer(), nullable=True, comment="The job that last printed it"),
        sa.Column("printed_at", sa.DateTime(), nullable=False, comment="When it was printed"),
        sa.ForeignKeyConstraint(["job_run_id"], ["job_runs.id"], name=op.f("fk_report_pdfs_job_run_id_job_runs"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_pdfs_report_id_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_pdfs")),
        sa.UniqueConstraint("report_id", "reader", name="uq_report_pdfs_reader"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_pdfs", schema=None) as batch_op:
        batch_op.create_index("ix_report_pdfs_job_run_id", ["job_run_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_pdfs", schema=None) as batch_op:
        batch_op.drop_index("ix_report_pdfs_job_run_id")
    op.drop_table("report_pdfs")
