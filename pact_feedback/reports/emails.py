"""Release notices: who reads each released report, and the email each of them gets.

They go out through the job queue (pact_feedback/jobs), once per reader and report version.
"""

from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.mail import build_email, external_url
from pact_feedback.extensions import db
from pact_feedback.jobs.queue import chunks, start
from pact_feedback.reports.models import Report

KIND = "report_released"
SEND = "pact_feedback.jobs.mailing.send_emails"
COMPOSE = "pact_feedback.reports.emails.compose"


def readers(study) -> list[list[str]]:
    """[email, "report:<id>"] for every reader of the study's released reports: a participant
    reads their own, a practice's leads read its practice report. Two queries for any size."""
    released = (Report.study_id == study.id, Report.status == "released")
    own = (
        select(User.email, Report.id)
        .join(User, User.id == Report.user_id)
        .where(*released, Report.kind == "participant")
    )
    leads = (
        select(User.email, Report.id)
        .join(Membership, Membership.practice_id == Report.practice_id)
        .join(User, User.id == Membership.user_id)
        .where(*released, Report.kind == "practice", Membership.role == PRACTICE_LEAD)
        .distinct()
    )
    pairs = [*db.session.execute(own), *db.session.execute(leads)]
    return [[email, f"report:{report_id}"] for email, report_id in sorted(pairs, key=_order)]


def _order(pair):
    return pair[1], pair[0]


def notify_readers(study, *, by):
    """Queue the release notices of the study's released reports; the JobRun that sends them."""
    items = readers(study)
    return start(
        "release_emails",
        f"Emailing the readers of the {study.title} reports",
        by=by,
        study=study,
        total=len(items),
        steps=[(SEND, (KIND, COMPOSE, chunk)) for chunk in chunks(items)],
    )


def compose(recipient: str, object_key: str):
    """The notice to `recipient` about report `object_key` ("report:<id>"), or None if gone."""
    report = db.session.get(Report, int(object_key.removeprefix("report:")))
    if report is None:
        return None
    return build_email(
        recipient,
        f"your {report.kind} report for {report.study.title} is ready",
        "report_released",
        report=report,
        study=report.study,
        link=external_url("reports.show", report_id=report.id),
    )
