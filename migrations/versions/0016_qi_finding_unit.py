"""QI projects keep the unit of the report finding they started from: a record audit's
findings are percentages of audited cases, the diary's minutes per clinician per day (issue 21).

Revision ID: 0016_qi_finding_unit
Revises: 0015_casebook_reviewer
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_qi_finding_unit"
down_revision = "0015_casebook_reviewer"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("qi_projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "finding_unit",
                sa.String(length=40),
                nullable=True,
                comment="Unit of the finding's figures; empty: minutes per clinician per day",
            )
        )


def downgrade():
    with op.batch_alter_table("qi_projects", schema=None) as batch_op:
        batch_op.drop_column("finding_unit")
