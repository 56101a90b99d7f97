"""Surveys as data: questions, choices and waves; responses with every saved version; sends.

The columns are the survey's data dictionary: a question's `code` and a choice's `code` are the
names analysts rely on, so they never change once created.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db

QUESTION_TYPES = ("single", "multiple", "scale_1_5", "text", "date")
CHOICE_TYPES = ("single", "multiple")
SEND_KINDS = ("invitation", "reminder")
SURVEY_STAGE = "survey_open"  # the only study stage in which waves can be open
_TYPE_LIST = ", ".join(f"'{t}'" for t in QUESTION_TYPES)


class Survey(db.Model):
    """The uptake survey of one study."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), unique=True, comment="Study surveyed"
    )
    title: Mapped[str] = mapped_column(String(200), comment="Survey title shown to practices")
    introduction: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Text shown above the questions"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    study: Mapped["Study"] = relationship()  # noqa: F821
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.position"
    )
    waves: Mapped[list["SurveyWave"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyWave.number"
    )


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        CheckConstraint(f"type IN ({_TYPE_LIST})", name="type_known"),
        UniqueConstraint("survey_id", "code", name="uq_survey_questions_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), comment="Stable name used in exports")
    text: Mapped[str] = mapped_column(String(500), comment="The question as asked")
    hint: Mapped[str] = mapped_column(
        String(500), default="", server_default="", comment="Help text under the question"
    )
    type: Mapped[str] = mapped_column(
        String(20), comment="single, multiple, scale_1_5, text or date"
    )
    required: Mapped[bool] = mapped_column(
        default=False, server_default="0", comment="Must be answered when shown"
    )
    position: Mapped[int] = mapped_column(default=0, comment="Order in the survey, from 1")
    show_if: Mapped[dict | None] = mapped_column(
        JSON, comment='Shown only if {"question": code, "choices": [codes]} was answered'
    )

    survey: Mapped[Survey] = relationship(back_populates="questions")
    choices: Mapped[list["SurveyChoice"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="SurveyChoice.position"
    )


class SurveyChoice(db.Model):
    __tablename__ = "survey_choices"
    __table_args__ = (UniqueConstraint("question_id", "code", name="uq_survey_choices_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40), comment="Stable name used in exports")
    label: Mapped[str] = mapped_column(String(300), comment="The choice as shown")
    position: Mapped[int] = mapped_column(default=0, comment="Order within the question")

    question: Mapped[SurveyQuestion] = relationship(back_populates="choices")


class SurveyWave(db.Model):
    """One round of asking: wave 1 a few months after release, wave 2 later, and so on."""

    __tablename__ = "survey_waves"
    __table_args__ = (
        UniqueConstraint("survey_id", "number", name="uq_survey_waves_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("closes_on >= opens_on", name="window_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(comment="Wave 1, 2, ...")
    months_after_release: Mapped[int | None] = mapped_column(
        comment="Default opening: this many months after reports were released"
    )
    opens_on: Mapped[date | None] = mapped_column(comment="First day practices can answer")
    closes_on: Mapped[date | None] = mapped_column(comment="Last day practices can answer")
    invitations_sent_at: Mapped[datetime | None] = mapped_column(
        comment="When invitations went out"
    )

    survey: Mapped[Survey] = relationship(back_populates="waves")

    def is_open(self, on: date) -> bool:
        return self.state(on) == "open"

    def state(self, on: date) -> str:
        """not_scheduled, upcoming, open or closed. The survey follows the study's stage: no
        wave is open before the study reaches "survey_open", and none after it closes."""
        status = self.survey.study.status
        if status == "closed":
            return "closed"
        if not (self.opens_on and self.closes_on):
            return "not_scheduled"
        if on < self.opens_on or status != SURVEY_STAGE:
            return "upcoming"
        return "open" if on <= self.closes_on else "closed"


class SurveyResponse(db.Model):
    """A practice's answers to one wave; the answers themselves live in its versions."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("wave_id", "practice_id", name="uq_survey_responses_wave_practice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"))
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="First saved")
    submitted_at: Mapped[datetime | None] = mapped_column(
        comment="First submitted; empty while a draft (drafts are not counted)"
    )

    wave: Mapped[SurveyWave] = relationship()
    practice: Mapped["Practice"] = relationship()  # noqa: F821
    versions: Mapped[list["SurveyResponseVersion"]] = relationship(
        back_populates="response",
        cascade="all, delete-orphan",
        order_by="SurveyResponseVersion.number",
    )

    @property
    def latest(self) -> "SurveyResponseVersion | None":
        return self.versions[-1] if self.versions else None


class SurveyResponseVersion(db.Model):
    """Every save of a response, never changed: the answers, who saved them and when."""

    __tablename__ = "survey_response_versions"
    __table_args__ = (
        UniqueConstraint("response_id", "number", name="uq_survey_response_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(comment="1 for the first save, then 2...")
    answers: Mapped[dict] = mapped_column(JSON, comment="Question code -> answer")
    submitted: Mapped[bool] = mapped_column(
        default=False, server_default="0", comment="Saved with Submit (checked) not as a draft"
    )
    saved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Who saved it"
    )
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When saved")

    response: Mapped[SurveyResponse] = relationship(back_populates="versions")
    saved_by: Mapped["User | None"] = relationship()  # noqa: F821


class SurveySend(db.Model):
    """An invitation or reminder email sent for a wave: the send log."""

    __tablename__ = "survey_sends"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'reminder')", name="kind_known"),
        Index("ix_survey_sends_wave_practice", "wave_id", "practice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"))
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Practice lead emailed"
    )
    email: Mapped[str] = mapped_column(String(320), comment="Address the email went to")
    kind: Mapped[str] = mapped_column(String(20), comment="invitation or reminder")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Study-team member, empty from cron"
    )

    practice: Mapped["Practice"] = relationship()  # noqa: F821


from pact_feedback.accounts.models import User  # noqa: E402,F401
from pact_feedback.practices.models import Practice  # noqa: E402,F401
from pact_feedback.studies.models import Study  # noqa: E402,F401
