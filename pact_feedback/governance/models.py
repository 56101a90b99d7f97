"""Governance tables: participants' withdrawals and each study's pseudonymisation key."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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


class StudyKey(db.Model):
    """A study's secret for its pseudonyms: the same person gets the same ID in every export
    of the study, and different IDs in different studies. Never exported."""

    __tablename__ = "study_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), unique=True, comment="Study keyed"
    )
    secret: Mapped[str] = mapped_column(String(64), comment="HMAC-SHA256 key (hex)")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
