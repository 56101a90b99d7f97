"""Governance tables: each study's pseudonymisation key. (Withdrawals are a participant's
standing: `pact_feedback.participation.models`.)"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db


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
