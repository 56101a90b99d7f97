"""A participant's withdrawal from a study: part of their standing, beside consent."""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db


class Withdrawal(db.Model):
    """A participant's withdrawal from a study: no further data is collected from them."""

    __tablename__ = "withdrawals"
    __table_args__ = (UniqueConstraint("study_id", "user_id", name="uq_withdrawals_study_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, comment="Who withdrew"
    )
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC)")
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        comment="Who recorded it: the participant or a study-team member",
    )
    erased_at: Mapped[datetime | None] = mapped_column(
        comment="When their diary data in the study was erased (UTC); empty if kept"
    )
