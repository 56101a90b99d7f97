"""Jobs: a job's progress (job_runs), the once-only email log (sent_emails), job files.

Revision ID: 0014_jobs
Revises: 0012_sharing_since
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_jobs"
down_revision = "0012_sharing_since"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False, comment="What it does, e.g. release_emails"),
        sa.Column("description", sa.String(length=200), nullable=False, comment="Its heading on the page"),
        sa.Column("study_id", sa.Integer(), nullable=True, comment="The study it works on, if any"),
        sa.Column("created_by_id", sa.Integer(), nullable=True, comment="Who started it (none: a command)"),
        sa.Column("created_at", sa.DateTime(), nullable=False, comment="When it was started"),
        sa.Column("started_at", sa.DateTime(), nullable=True, comment="When a worker first took it"),
        sa.Column("finished_at", sa.DateTime(), nullable=True, comment="When its last step ended"),
        sa.Column("total", sa.Integer(), nullable=False, comment="Items to do (emails, reports...)"),
        sa.Column("done", sa.Integer(), nullable=False, comment="Items done"),
        sa.Column("errors", sa.Integer(), nullable=False, comment="Items that failed (not retried)"),
        sa.Column("last_error", sa.Text(), nullable=True, comment="Why a step last failed"),
        sa.Column("failed_at", sa.DateTime(), nullable=True, comment="When a step failed for good (it can be retried)"),
        sa.Column("steps", sa.JSON(), nullable=False, comment="Its RQ job ids"),
        sa.Column("result", sa.JSON(), nullable=True, comment="What it produced, for its page"),
        sa.CheckConstraint("done >= 0 AND errors >= 0 AND total >= 0", name=op.f("ck_job_runs_counts_positive")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_job_runs_created_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["study_id"], ["studies.id"], name=op.f("fk_job_runs_study_id_studies"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index("ix_job_runs_study_kind", ["study_id", "kind"], unique=False)

    op.create_table(
        "sent_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False, comment="e.g. report_released"),
        sa.Column("recipient", sa.String(length=320), nullable=False, comment="The address it goes to"),
        sa.Column("object_key", sa.String(length=120), nullable=False, comment="What it is about: report:42"),
        sa.Column("job_run_id", sa.Integer(), nullable=True, comment="The job that owes it"),
        sa.Column("status", sa.String(length=10), nullable=False, comment="claimed/sent/failed"),
        sa.Column("claimed_at", sa.DateTime(), nullable=False, comment="When a step claimed it"),
        sa.Column("sent_at", sa.DateTime(), nullable=True, comment="When the mail server accepted it"),
        sa.Column("error", sa.Text(), nullable=True, comment="Why the mail server refused it"),
        sa.CheckConstraint("status IN ('claimed', 'sent', 'failed')", name=op.f("ck_sent_emails_status_known")),
        sa.ForeignKeyConstraint(["job_run_id"], ["job_runs.id"], name=op.f("fk_sent_emails_job_run_id_job_runs"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_emails")),
        sa.UniqueConstraint("kind", "recipient", "object_key", name="uq_sent_emails_once"),
    )
    with op.batch_alter_table("sent_emails", schema=None) as batch_op:
        batch_op.create_index("ix_sent_emails_job_run_id", ["job_run_id"], unique=False)

    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_run_id", sa.Integer(), nullable=False, comment="The job that made it"),
        sa.Column("name", sa.String(length=200), nullable=False, comment="File name offered on download"),
        sa.Column("media_type", sa.String(length=100), nullable=False, comment="e.g. application/zip"),
        sa.Column("data", sa.LargeBinary(), nullable=False, comment="The file"),
        sa.Column("created_at", sa.DateTime(), nullable=False, comment="When it was made"),
        sa.Column("expires_at", sa.DateTime(), nullable=False, comment="After this it is deleted"),
        sa.ForeignKeyConstraint(["job_run_id"], ["job_runs.id"], name=op.f("fk_job_files_job_run_id_job_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_files")),
        sa.UniqueConstraint("job_run_id", name=op.f("uq_job_files_job_run_id")),
    )


def downgrade():
    op.drop_table("job_files")
    with op.batch_alter_table("sent_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_sent_emails_job_run_id")
    op.drop_table("sent_emails")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_job_runs_study_kind")
    op.drop_table("job_runs")
