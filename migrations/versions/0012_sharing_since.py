"""When a participant chose to share their report: the practice lead's page lists shared
reports with "shared since", and the shared report is headed with that date.

Revision ID: 0012_sharing_since
Revises: 0007_merge_report_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_sharing_since"
down_revision = "0007_merge_report_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "shared_since",
                sa.DateTime(),
                nullable=True,
                comment="When the participant last chose to share (empty while private)",
            )
        )


def downgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("shared_since")
