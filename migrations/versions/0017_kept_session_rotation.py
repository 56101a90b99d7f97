"""A kept session's token rotates: the token it replaced (accepted for a moment, then refused
as a copy, ending the session), when it was replaced, and whether the browser has used the new
one since.

Revision ID: 0017_kept_session_rotation
Revises: 0016_qi_finding_unit
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_kept_session_rotation"
down_revision = "0016_qi_finding_unit"
branch_labels = None
depends_on = None


def upgrade():
    # If SQLite's batch mode rebuilds the table, it keeps AUTOINCREMENT (ids never reused, 0008).
    with op.batch_alter_table(
        "user_sessions", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column(
                "previous_token_hash",
                sa.String(length=64),
                nullable=True,
                comment="SHA-256 of the token this session's token replaced",
            )
        )
        batch_op.add_column(
            sa.Column(
                "rotated_at",
                sa.DateTime(),
                nullable=True,
                comment="When the token was last replaced (empty: the sign-in's token)",
            )
        )
        batch_op.add_column(
            sa.Column(
                "rotation_confirmed",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
                comment="The browser has used the current token since the last rotation",
            )
        )
        batch_op.create_index(
            batch_op.f("ix_user_sessions_previous_token_hash"), ["previous_token_hash"]
        )


def downgrade():
    with op.batch_alter_table(
        "user_sessions", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_previous_token_hash"))
        batch_op.drop_column("rotation_confirmed")
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("previous_token_hash")
