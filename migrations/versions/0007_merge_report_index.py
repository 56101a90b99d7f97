"""Join the feature branches into one head; a covering index for report aggregation.

Reports sum minutes per diary day and category (with the outside-hours and "who could have
done it" splits). With every column the query reads in one index, SQLite answers it from the
index alone: about 2.5x faster on a million entries (bench/reports_scale.py).

Revision ID: 0007_merge_report_index
Revises: 0002_diary, 0003_surveys, 0005_qi (which follows 0004_reports), 0006_governance
"""

from alembic import op

revision = "0007_merge_report_index"
down_revision = ("0002_diary", "0003_surveys", "0005_qi", "0006_governance")  # 0005 follows 0004
branch_labels = None
depends_on = None

COLUMNS = ["day_id", "category_id", "minutes", "outside_hours", "could_be_done_by"]


def upgrade():
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.create_index("ix_diary_entries_report", COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_diary_entries_report")
