"""A step that sends emails, each exactly once: claim a row per email, send, mark it sent.

A re-run of the step (a retry, or after its worker was killed) sends only what is not marked
sent, with the same Message-ID as before. The one email a killed worker may leave in doubt is
the one whose SMTP reply it had received but not yet recorded: a mail system that sees the
Message-ID again can drop it (docs/decisions/0004-job-queue.md).
"""

import smtplib

from flask import current_app
from sqlalchemy import select, tuple_
from werkzeug.utils import import_string

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.jobs.models import SentEmail
from pact_feedback.jobs.runner import advance


def _refused_for_good(error: smtplib.SMTPException) -> bool:
    """A 5xx answer about this one message (unknown address...): recorded, never retried.
    Anything else (4xx "try later", a dropped connection) fails the step, which is retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def claim(run_id: int, kind: str, items: list) -> list[SentEmail]:
    """Claim a row per (recipient, object_key) in `items`; the rows still to be sent."""
    keys = [(recipient, object_key) for recipient, object_key in items]
    table = SentEmail.__table__
    insert = _insert_ignoring_duplicates(table)
    db.session.execute(
        insert,
        [
            {
                "kind": kind,
                "recipient": r,
                "object_key": o,
                "job_run_id": run_id,
                "status": "claimed",
                "claimed_at": utcnow(),
            }
            for r, o in keys
        ],
    )
    rows = db.session.scalars(
        select(SentEmail).where(
            SentEmail.kind == kind,
            tuple_(SentEmail.recipient, SentEmail.object_key).in_(keys),
        )
    ).all()
    # Sent by another job (the same notice asked for twice): done for this one too.
    elsewhere = sum(r.status == "sent" and r.job_run_id != run_id for r in rows)
    if elsewhere:
        advance(run_id, done=elsewhere)
    db.session.commit()
    return [r for r in rows if r.status == "claimed"]


def _insert_ignoring_duplicates(table):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=["kind", "recipient", "object_key"])


def send_emails(run, kind: str, compose: str, items: list, on_sent: str | None = None) -> None:
    """A job step: email each [recipient, object_key] in `items` once.

    `compose` names a function (recipient, object_key) -> an unsent EmailMessage, or None when
    its object has gone (counted as an error); `on_sent`, a function (run, SentEmail) that adds
    the feature's own log row in the transaction that marks the email sent."""
    # Each email commits on its own; nothing here needs reloading after a commit (the step's
    # session ends with it). Without this, every commit re-read the job, its rows and reports.
    db.session().expire_on_commit = False
    to_send = claim(run.id, kind, items)
    if not to_send:
        return
    composer = import_string(compose)
    after = import_string(on_sent) if on_sent else None
    postponed = []
    with current_app.extensions["mailman"].get_connection() as connection:
        for row in to_send:
            try:
                _send_one(run, row, composer, connection, after)
            except (smtplib.SMTPException, OSError) as error:
                db.session.rollback()
                postponed.append(error)
    if postponed:
        # The others went out; the step fails so that RQ tries these again later.
        raise postponed[0]


def _send_one(run, row: SentEmail, composer, connection, after) -> None:
    message = composer(row.recipient, row.object_key)
    if message is None:
        _mark(run.id, row, "failed", error="what it was about no longer exists")
        return
    message.extra_headers["Message-ID"] = row.message_id
    message.connection = connection
    try:
        message.send()
    except smtplib.SMTPException as refusal:
        if not _refused_for_good(refusal):
            raise
        _mark(run.id, row, "failed", error=str(refusal)[:2000])
        return
    row.sent_at = utcnow()
    if after:
        after(run, row)
    _mark(run.id, row, "sent")


def _mark(run_id: int, row: SentEmail, status: str, *, error: str | None = None) -> None:
    row.status, row.error, row.job_run_id = status, error, run_id
    advance(run_id, done=int(status == "sent"), errors=int(status == "failed"))
    db.session.commit()
