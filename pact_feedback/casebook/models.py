"""A study's record-audit instrument, each practice's audit, its cases and second reviews.

A study with a `CaseForm` collects by record audit; a study without one keeps the diary. A case
holds only a pseudonymous sequence number (1, 2, ... within its practice) and coded answers:
never a patient identifier.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db


class CaseForm(db.Model):
    """The case report form of a record-audit study, as data (the survey export format)."""

    __tablename__ = "casebook_forms"
    __table_args__ = (
        CheckConstraint("target_cases BETWEEN 1 AND 1000", name="target_range"),
        CheckConstraint("review_percent BETWEEN 0 AND 100", name="review_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), unique=True, comment="Study audited"
    )
    title: Mapped[str] = mapped_column(String(200), comment="Form title shown to clinicians")
    introduction: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Text shown above the questions"
    )
    sampling_frame: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Which records each practice audits"
    )
    target_cases: Mapped[int] = mapped_column(default=50, comment="Cases asked of each practice")
    questions: Mapped[list] = mapped_column(
        JSON, comment="The questions: code, text, hint, type, required, show_if, choices"
    )
    report: Mapped[dict] = mapped_column(
        JSON, comment='How reports tabulate it: {"questions": [codes], "by": code}'
    )
    review_question: Mapped[str | None] = mapped_column(
        String(40), comment="Question a second reviewer answers blind (e.g. necessity)"
    )
    review_percent: Mapped[int] = mapped_column(
        default=0, server_default="0", comment="Share of each practice's cases second-reviewed"
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    study: Mapped["Study"] = relationship()  # noqa: F821


class CaseAudit(db.Model):
    """One practice's audit for a study: open for entry until the practice submits it."""

    __tablename__ = "casebook_audits"
    __table_args__ = (UniqueConstraint("form_id", "practice_id", name="uq_casebook_audits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("casebook_forms.id", ondelete="CASCADE"))
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(comment="When the practice submitted")
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Who submitted"
    )

    form: Mapped[CaseForm] = relationship()
    practice: Mapped["Practice"] = relationship()  # noqa: F821
    cases: Mapped[list["Case"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Case.sequence"
    )


class Case(db.Model):
    """One audited record: a sequence number and coded answers, nothing that names a patient."""

    __tablename__ = "casebook_cases"
    __table_args__ = (
        UniqueConstraint("audit_id", "sequence", name="uq_casebook_cases_sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("casebook_audits.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(comment="Pseudonymous case number within the practice")
    answers: Mapped[dict] = mapped_column(JSON, comment="Question code -> answer")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Clinician who entered it"
    )
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    audit: Mapped[CaseAudit] = relationship(back_populates="cases")


class CaseReviewer(db.Model):
    """The second reviewer the study team assigned to one practice's sample.

    Without a row, any clinician of the practice but the case's first may review it. With one,
    only `reviewer_id` may; a row whose reviewer was erased (empty) lets nobody review until the
    study team assigns someone else, so losing an account never widens who reads the cases.
    """

    __tablename__ = "casebook_reviewers"
    __table_args__ = (UniqueConstraint("form_id", "practice_id", name="uq_casebook_reviewers"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("casebook_forms.id", ondelete="CASCADE"))
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True, comment="Practice reviewed"
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Clinician who reviews its sample"
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Study-team member who assigned"
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC)")


class CaseReview(db.Model):
    """A second clinician's judgement of one sampled case, made blind to the first."""

    __tablename__ = "casebook_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("casebook_cases.id", ondelete="CASCADE"), unique=True
    )
    judgement: Mapped[str] = mapped_column(String(40), comment="Choice code of the review question")
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Second reviewer"
    )
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


from pact_feedback.practices.models import Practice  # noqa: E402,F401
from pact_feedback.studies.models import Study  # noqa: E402,F401
