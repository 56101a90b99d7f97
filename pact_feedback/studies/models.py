"""Studies (a PACT project round) and the practices enrolled in them."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.studies.lifecycle import STATUS_CODES, stage

_STATUS_LIST = ", ".join(f"'{code}'" for code in STATUS_CODES)


class Study(db.Model):
    __tablename__ = "studies"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status_known"),
        CheckConstraint("collection_end >= collection_start", name="collection_window_order"),
        CheckConstraint("round >= 1", name="round_positive"),
        UniqueConstraint("slug", name="uq_studies_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, comment="Internal study id")
    slug: Mapped[str] = mapped_column(String(64), comment="Short name used in URLs and commands")
    title: Mapped[str] = mapped_column(String(200), comment="Study title")
    description: Mapped[str] = mapped_column(Text, default="", comment="What the study is about")
    round: Mapped[int] = mapped_column(default=1, comment="Round of the study (1, 2, ...)")
    collection_start: Mapped[date | None] = mapped_column(comment="First day of diary collection")
    collection_end: Mapped[date | None] = mapped_column(comment="Last day of diary collection")
    pis_version: Mapped[str] = mapped_column(
        String(20), default="1.0", comment="Current participant information sheet version"
    )
    status: Mapped[str] = mapped_column(String(20), default="setup", comment="Lifecycle stage")
    match_weights: Mapped[dict] = mapped_column(
        JSON,
        default=lambda: {
            "imd_score": 1.0,
            "pct_65_plus": 1.0,
            "log_list_size": 0.5,
            "pct_rural": 0.5,
        },
        comment="Weights of the matching variables",
    )
    peer_group_size: Mapped[int] = mapped_column(default=5, comment="k nearest practices")
    k_practice: Mapped[int] = mapped_column(
        default=5, comment="Minimum contributors for a practice aggregate (never below 3)"
    )
    diary_days_required: Mapped[int] = mapped_column(
        default=1, server_default="1", comment="Diary days asked of each participant"
    )
    day_selection: Mapped[str] = mapped_column(
        String(10), default="choose", server_default="choose", comment="choose or allocate"
    )
    retention_months: Mapped[int] = mapped_column(
        default=60, server_default="60", comment="Months data is kept after the study closes"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When set up")
    recruiting_at: Mapped[datetime | None] = mapped_column(comment="When recruiting started")
    collecting_at: Mapped[datetime | None] = mapped_column(comment="When collection started")
    analysing_at: Mapped[datetime | None] = mapped_column(comment="When collection closed")
    reports_released_at: Mapped[datetime | None] = mapped_column(comment="When reports released")
    survey_opened_at: Mapped[datetime | None] = mapped_column(comment="When the survey opened")
    closed_at: Mapped[datetime | None] = mapped_column(comment="When the study closed")

    enrolments: Mapped[list["Enrolment"]] = relationship(
        back_populates="study", cascade="all, delete-orphan"
    )

    @property
    def stage(self):
        return stage(self.status)

    @property
    def display_name(self) -> str:
        """The title with its round, so rounds of one study differ in lists and dropdowns."""
        return self.title if self.round == 1 else f"{self.title} (round {self.round})"

    def __repr__(self) -> str:
        return f"<Study {self.slug}>"


class Enrolment(db.Model):
    """A practice taking part in a study."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("study_id", "practice_id", name="uq_enrolments_study_practice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When enrolled")
    report_sent_on: Mapped[date | None] = mapped_column(
        comment="Date a report produced outside the app was sent to the practice"
    )

    study: Mapped[Study] = relationship(back_populates="enrolments")
    practice: Mapped["Practice"] = relationship()  # noqa: F821


from pact_feedback.practices.models import Practice  # noqa: E402,F401  (relationship target)
