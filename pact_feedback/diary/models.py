"""Diary tables: the study's taxonomy, a participant's diary days and their task entries,
allocated or planned days, participants' non-working weekdays, and personal API tokens.

The report code reads `diary_categories`, `diary_days` and `diary_entries` directly: rename
nothing here without telling the reports owner.
"""

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.accounts.roles import STAFF_ROLES
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db

GROUPS = ("A", "B", "C", "D", "E")
WHO_COULD = ("gp", "other_clinician", "admin", "nobody")
DAY_SELECTIONS = ("choose", "allocate")
MAX_MINUTES = 720
_STAFF_ROLE_LIST = ", ".join(f"'{code}'" for code, _ in STAFF_ROLES)
_WHO_LIST = ", ".join(f"'{code}'" for code in WHO_COULD)
_GROUP_LIST = ", ".join(f"'{code}'" for code in GROUPS)


class Category(db.Model):
    """A task category of a study's taxonomy. Codes are stable; retire rather than delete."""

    __tablename__ = "diary_categories"
    __table_args__ = (
        UniqueConstraint("study_id", "code", name="uq_diary_categories_study_code"),
        CheckConstraint(f'"group" IN ({_GROUP_LIST})', name="group_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10), comment="Stable code, e.g. B1")
    label: Mapped[str] = mapped_column(String(100), comment="Short name shown on the button")
    description: Mapped[str] = mapped_column(Text, default="", comment="What the category covers")
    group: Mapped[str] = mapped_column(
        "group", String(1), comment="A care-related encounters ... E other"
    )
    active: Mapped[bool] = mapped_column(
        default=True, comment="False: retired, still valid for existing entries"
    )
    position: Mapped[int] = mapped_column(default=0, comment="Order within the taxonomy")

    def __repr__(self) -> str:
        return f"<Category {self.code}>"


class DiaryDay(db.Model):
    """One participant's diary day in a study round."""

    __tablename__ = "diary_days"
    __table_args__ = (
        UniqueConstraint("study_id", "user_id", "date", name="uq_diary_days_study_user_date"),
        CheckConstraint(f"staff_role IN ({_STAFF_ROLE_LIST})", name="staff_role_known"),
        CheckConstraint(
            "workload_rating IS NULL OR (workload_rating >= 0 AND workload_rating <= 10)",
            name="rating_range",
        ),
        CheckConstraint("sessions IS NULL OR sessions >= 0", name="sessions_positive"),
        Index("ix_diary_days_study_practice", "study_id", "practice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(comment="The day the diary describes")
    staff_role: Mapped[str] = mapped_column(String(40), comment="Role worked that day")
    scheduled_start: Mapped[dt.time | None] = mapped_column(comment="Scheduled start of the day")
    scheduled_end: Mapped[dt.time | None] = mapped_column(comment="Scheduled finish of the day")
    sessions: Mapped[float | None] = mapped_column(Float, comment="Contracted sessions that day")
    typical: Mapped[bool | None] = mapped_column(comment="Was this a typical day?")
    workload_rating: Mapped[int | None] = mapped_column(comment="Workload 0 (light) to 10 (heavy)")
    completed_at: Mapped[dt.datetime | None] = mapped_column(comment="When marked complete")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entries: Mapped[list["TaskEntry"]] = relationship(
        back_populates="day",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(TaskEntry.started_at, TaskEntry.created_at, TaskEntry.id)",
    )
    study: Mapped["Study"] = relationship()  # noqa: F821
    practice: Mapped["Practice"] = relationship()  # noqa: F821

    @property
    def complete(self) -> bool:
        return self.completed_at is not None

    def __repr__(self) -> str:
        return f"<DiaryDay {self.id} {self.date}>"


class TaskEntry(db.Model):
    """A task in a diary day. `minutes` is always stored (from start and end when given)."""

    __tablename__ = "diary_entries"
    __table_args__ = (
        UniqueConstraint("day_id", "client_id", name="uq_diary_entries_day_client"),
        CheckConstraint(f"minutes >= 1 AND minutes <= {MAX_MINUTES}", name="minutes_range"),
        CheckConstraint(
            f"could_be_done_by IS NULL OR could_be_done_by IN ({_WHO_LIST})", name="who_known"
        ),
        CheckConstraint("item_count IS NULL OR item_count >= 0", name="item_count_positive"),
        # Covering index for report aggregation (migration 0007): SQLite reads it alone.
        Index(
            "ix_diary_entries_report",
            "day_id",
            "category_id",
            "minutes",
            "outside_hours",
            "could_be_done_by",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("diary_days.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("diary_categories.id"), index=True)
    minutes: Mapped[int] = mapped_column(comment="Duration, 1 to 720 minutes")
    started_at: Mapped[dt.time | None] = mapped_column(comment="Start time, if given")
    ended_at: Mapped[dt.time | None] = mapped_column(comment="End time, if given")
    item_count: Mapped[int | None] = mapped_column(comment="e.g. 23 results filed")
    outside_hours: Mapped[bool] = mapped_column(
        default=False, comment="Done outside scheduled hours"
    )
    interrupted: Mapped[bool] = mapped_column(default=False)
    could_be_done_by: Mapped[str | None] = mapped_column(
        String(20), comment="gp, other_clinician, admin or nobody (unnecessary)"
    )
    note: Mapped[str | None] = mapped_column(Text, comment="Free text, never patient data")
    client_id: Mapped[str] = mapped_column(String(36), comment="Idempotency key (UUID)")
    request_hash: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the creating request body (retry-safe API create)"
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    day: Mapped[DiaryDay] = relationship(back_populates="entries")
    category: Mapped[Category] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<TaskEntry {self.id} {self.minutes} min>"


class DiaryAllocation(db.Model):
    """A day a participant is asked (allocated) or has planned to keep their diary."""

    __tablename__ = "diary_allocations"
    __table_args__ = (
        UniqueConstraint(
            "study_id", "user_id", "date", name="uq_diary_allocations_study_user_date"
        ),
        CheckConstraint("source IN ('allocated', 'planned')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column()
    source: Mapped[str] = mapped_column(String(10), default="allocated")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(comment="Reminder sent the day before")


class DiaryPreference(db.Model):
    """A participant's diary settings in a study: the weekdays they do not work."""

    __tablename__ = "diary_preferences"
    __table_args__ = (
        UniqueConstraint("study_id", "user_id", name="uq_diary_preferences_study_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    non_working_days: Mapped[list] = mapped_column(
        JSON, default=list, comment="Weekdays not worked, 0 = Monday ... 6 = Sunday"
    )


from pact_feedback.accounts.models import User  # noqa: E402,F401
from pact_feedback.practices.models import Practice  # noqa: E402,F401
from pact_feedback.studies.models import Study  # noqa: E402,F401
