"""Record audits: a second reviewer the study team assigns to a practice's sample (issue 21).

Revision ID: 0015_casebook_reviewer
Revises: 0008_sqlite_autoincrement
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_casebook_reviewer"
down_revision = "0008_sqlite_autoincrement"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "casebook_reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False, comment="Practice reviewed"),
        sa.Column(
            "reviewer_id", sa.Integer(), nullable=True, comment="Clinician who reviews its sample"
        ),
        sa.Column(
            "assigned_by_id", sa.Integer(), nullable=True, comment="Study-team member who assigned"
        ),
        sa.Column("assigned_at", sa.DateTime(), nullable=False, comment="When (UTC)"),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["casebook_forms.id"],
            name=op.f("fk_casebook_reviewers_form_id_casebook_forms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_casebook_reviewers_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_casebook_reviewers_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_casebook_reviewers_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casebook_reviewers")),
        sa.UniqueConstraint("form_id", "practice_id", name="uq_casebook_reviewers"),
        sqlite_autoincrement=True,  # ids are never reused (0008)
    )
    with op.batch_alter_table("casebook_reviewers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casebook_reviewers_practice_id"), ["practice_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("casebook_reviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casebook_reviewers_practice_id"))
    op.drop_table("casebook_reviewers")
