"""A job's progress, and the log that makes every email go out once."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db


class JobRun(db.Model):
    """One piece of long work someone started, as its page shows it: done of total, errors,
    finished. Its steps run on the queue (one RQ job each); the counters are updated by them."""

    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint("done >= 0 AND errors >= 0 AND total >= 0", name="counts_positive"),
        Index("ix_job_runs_study_kind", "study_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), comment="What it does, e.g. release_emails")
    description: Mapped[str] = mapped_column(String(200), comment="Its heading on the page")
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), comment="The study it works on, if any"
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Who started it (none: a command)"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was started")
    started_at: Mapped[datetime | None] = mapped_column(comment="When a worker first took it")
    finished_at: Mapped[datetime | None] = mapped_column(comment="When its last step ended")
    total: Mapped[int] = mapped_column(default=0, comment="Items to do (emails, reports...)")
    done: Mapped[int] = mapped_column(default=0, comment="Items done")
    errors: Mapped[int] = mapped_column(default=0, comment="Items that failed (not retried)")
    last_error: Mapped[str | None] = mapped_column(Text, comment="Why a step last failed")
    failed_at: Mapped[datetime | None] = mapped_column(
        comment="When a step failed for good (it can be retried)"
    )
    steps: Mapped[list] = mapped_column(JSON, default=list, comment="Its RQ job ids")
    result: Mapped[dict | None] = mapped_column(JSON, comment="What it produced, for its page")

    @property
    def status(self) -> str:
        if self.failed_at is not None:
            return "failed"
        if self.finished_at is not None:
            return "finished"
        return "running" if self.started_at is not None else "queued"


SENT_EMAIL_STATUSES = ("claimed", "sent", "failed")


class SentEmail(db.Model):
    """One email a job owes someone, claimed before it is sent.

    The unique (kind, recipient, object) row is what makes a retried step, or a step re-run after
    its worker was killed, skip what was already sent.
    """

    __tablename__ = "sent_emails"
    __table_args__ = (
        UniqueConstraint("kind", "recipient", "object_key", name="uq_sent_emails_once"),
        CheckConstraint("status IN ('claimed', 'sent', 'failed')", name="status_known"),
        Index("ix_sent_emails_job_run_id", "job_run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), comment="e.g. report_released")
    recipient: Mapped[str] = mapped_column(String(320), comment="The address it goes to")
    object_key: Mapped[str] = mapped_column(String(120), comment="What it is about: report:42")
    job_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_runs.id", ondelete="SET NULL"), comment="The job that owes it"
    )
    status: Mapped[str] = mapped_column(
        String(10), default="claimed", comment="claimed/sent/failed"
    )
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When a step claimed it")
    sent_at: Mapped[datetime | None] = mapped_column(comment="When the mail server accepted it")
    error: Mapped[str | None] = mapped_column(Text, comment="Why the mail server refused it")

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a mail system can drop a repeat."""
        return f"<pact-{self.kind}-{self.id}@pact-feedback>"


class JobFile(db.Model):
    """A file a job produced (an analysis export), downloaded from the job's page until it
    expires; `flask purge-expired` deletes expired ones. Its bytes are in `job_file_chunks`, so
    neither the job that stores it nor a download holds the whole file (jobs/files.py)."""

    __tablename__ = "job_files"
    __table_args__ = (CheckConstraint("size >= 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_run_id: Mapped[int] = mapped_column(
        ForeignKey("job_runs.id", ondelete="CASCADE"), unique=True, comment="The job that made it"
    )
    name: Mapped[str] = mapped_column(String(200), comment="File name offered on download")
    media_type: Mapped[str] = mapped_column(String(100), comment="e.g. application/zip")
    size: Mapped[int] = mapped_column(BigInteger, comment="Its length in bytes (Content-Length)")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was made")
    expires_at: Mapped[datetime] = mapped_column(comment="After this it is deleted")


class JobFileChunk(db.Model):
    """One piece of a job file, in order: the file is its chunks' data joined by `seq`."""

    __tablename__ = "job_file_chunks"
    __table_args__ = (CheckConstraint("seq >= 0", name="seq_positive"),)

    job_file_id: Mapped[int] = mapped_column(
        ForeignKey("job_files.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        comment="The file it is part of",
    )
    seq: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=False, comment="Its place in the file, from 0"
    )
    data: Mapped[bytes] = mapped_column(LargeBinary, comment="Its bytes (1 MiB but the last)")
