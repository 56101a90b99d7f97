"""Report snapshots (frozen once released) and the log of who viewed or downloaded them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db

KINDS = ("practice", "participant")
STATUSES = ("draft", "released", "superseded")


class Report(db.Model):
    """One report as generated: numbers, comparator, inputs and method version, as JSON.

    A released report is never changed; a re-issue writes a new version and marks the old one
    superseded, so a reader always sees exactly what was released to them.
    """

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("kind IN ('practice', 'participant')", name="kind_known"),
        CheckConstraint("status IN ('draft', 'released', 'superseded')", name="status_known"),
        CheckConstraint(
            "(kind = 'practice' AND user_id IS NULL)"
            " OR (kind = 'participant' AND user_id IS NOT NULL)",
            name="owner_matches_kind",
        ),
        UniqueConstraint(
            "study_id", "kind", "practice_id", "user_id", "version", name="uq_reports_version"
        ),
        Index("ix_reports_study_status", "study_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), comment="practice or participant")
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True, comment="Practice reported on"
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        index=True,
        comment="Participant (participant reports only)",
    )
    version: Mapped[int] = mapped_column(default=1, comment="1, then 2... for each re-issue")
    status: Mapped[str] = mapped_column(String(20), default="draft", comment="Lifecycle state")
    payload: Mapped[dict] = mapped_column(JSON, comment="The frozen figures and method")
    method_version: Mapped[str] = mapped_column(String(40), comment="Code version of the method")
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column()
    reissue_reason: Mapped[str | None] = mapped_column(String(500), comment="Why re-issued")

    study: Mapped["Study"] = relationship()  # noqa: F821
    practice: Mapped["Practice"] = relationship()  # noqa: F821
    user: Mapped["User | None"] = relationship()  # noqa: F821


class ReportAccess(db.Model):
    """A view or download of a report: the uptake statistics count these."""

    __tablename__ = "report_accesses"
    __table_args__ = (CheckConstraint("action IN ('view', 'download')", name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10), comment="view or download")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportPdf(db.Model):
    """A released report printed ahead by a worker, as one kind of reader downloads it.

    Served only when `fingerprint` matches the page this reader would be printed now (after the
    same access check), so a stale file (a changed name, a new template) is printed afresh.
    In the database, not the instance folder: workers and web servers may be different hosts,
    and a report's files go with it (erasure, re-issue) by the foreign key.
    """

    __tablename__ = "report_pdfs"
    __table_args__ = (
        UniqueConstraint("report_id", "reader", name="uq_report_pdfs_reader"),
        Index("ix_report_pdfs_job_run_id", "job_run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    reader: Mapped[str] = mapped_column(String(20), comment="Whose copy: practice or owner")
    fingerprint: Mapped[str] = mapped_column(String(64), comment="SHA-256 of what was printed")
    data: Mapped[bytes] = mapped_column(LargeBinary, comment="The PDF")
    job_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_runs.id", ondelete="SET NULL"), comment="The job that last printed it"
    )
    printed_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was printed")


from pact_feedback.accounts.models import User  # noqa: E402,F401
from pact_feedback.practices.models import Practice  # noqa: E402,F401
from pact_feedback.studies.models import Study  # noqa: E402,F401
