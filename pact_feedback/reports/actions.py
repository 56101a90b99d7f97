"""Generating, releasing and re-issuing reports. Each is one audited transaction."""

from collections.abc import Callable

from sqlalchemy import delete, select

from pact_feedback.accounts.models import User
from pact_feedback.audit.log import record
from pact_feedback.core.mail import external_url, send_email
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.reports.build import build_reports
from pact_feedback.reports.frames import load_inputs
from pact_feedback.reports.matching import METHOD_VERSION
from pact_feedback.reports.models import Report, ReportAccess
from pact_feedback.reports.queries import lead_emails, released_reports
from pact_feedback.reports.signals import reports_released
from pact_feedback.studies.actions import advance_study

GENERATABLE = {"analysing", "reports_released", "survey_open"}


class ReportError(Exception):
    """A report action was refused; the message is safe to show."""


def generate(study, *, by, progress: Callable[[int, int], None] | None = None) -> list[Report]:
    """Build draft reports for a round, replacing earlier drafts.

    Once reports are released they can only change through `reissue`.
    """
    if study.status == "closed":
        raise ReportError("The study is closed: reports can no longer be generated.")
    if study.status not in GENERATABLE:
        raise ReportError("Reports can be generated once data collection has closed.")
    if released_reports(study):
        raise ReportError("Reports for this round are released. Re-issue them instead.")
    built = build_reports(load_inputs(study))
    db.session.execute(delete(Report).where(Report.study_id == study.id, Report.status == "draft"))
    reports = _store(study, built, version=1, progress=progress)
    record("reports_generated", by=by, obj=study, reports=len(reports))
    db.session.commit()
    return reports


def _store(study, built, *, version: int, progress=None, reason=None) -> list[Report]:
    reports = []
    for done, item in enumerate(built, start=1):
        report = Report(
            study_id=study.id,
            kind=item["kind"],
            practice_id=item["practice_id"],
            user_id=item["user_id"],
            version=version,
            payload=item["payload"],
            method_version=METHOD_VERSION,
            reissue_reason=reason,
        )
        db.session.add(report)
        reports.append(report)
        if progress:
            progress(done, len(built))
    db.session.flush()
    return reports


def release(study, *, by, notify: bool = True) -> int:
    """Release every draft: the snapshot is frozen and its readers are emailed a link.

    `notify=False` is for loading demo data, where nobody is waiting for an email.
    """
    drafts = db.session.scalars(
        select(Report).where(Report.study_id == study.id, Report.status == "draft")
    ).all()
    if not drafts:
        raise ReportError("There are no draft reports to release. Generate them first.")
    now = utcnow()
    for report in drafts:
        report.status, report.released_at = "released", now
    if study.status == "analysing":
        advance_study(study, to="reports_released", by=by)
    record("reports_released", by=by, obj=study, reports=len(drafts))
    reports_released.send(study, by=by)
    db.session.commit()
    if notify:
        _email_readers(study, drafts)
    return len(drafts)


def reissue(study, *, by, reason: str) -> list[Report]:
    """Replace released reports with new versions (after a data correction), explicitly logged."""
    if not reason.strip():
        raise ReportError("Say why the reports are being re-issued.")
    current = released_reports(study)
    if not current:
        raise ReportError("Nothing has been released yet: generate and release instead.")
    version = max(r.version for r in current) + 1
    built = build_reports(load_inputs(study))
    now = utcnow()
    for report in current:
        report.status = "superseded"
    reports = _store(study, built, version=version, reason=reason.strip())
    for report in reports:
        report.status, report.released_at = "released", now
    record("reports_reissued", by=by, obj=study, version=version, reason=reason.strip())
    db.session.commit()
    _email_readers(study, reports)
    return reports


def _email_readers(study, reports) -> None:
    for report in reports:
        link = external_url("reports.show", report_id=report.id)
        if report.kind == "participant":
            user = db.session.get(User, report.user_id)
            recipients = [user.email] if user else []
        else:
            recipients = lead_emails(report.practice_id)
        for email in recipients:
            send_email(
                email,
                f"your {report.kind} report for {study.title} is ready",
                "report_released",
                report=report,
                study=study,
                link=link,
            )


def set_sharing(membership, *, share: bool, by) -> None:
    """A participant's revocable opt-in to share their report with their practice."""
    if membership.shares_with_practice == share:
        return
    membership.shares_with_practice = share
    record("report_sharing_changed", by=by, obj=membership, shared=share)
    db.session.commit()


def log_access(report: Report, *, by, action: str) -> None:

    db.session.add(
        ReportAccess(report_id=report.id, user_id=getattr(by, "id", None), action=action)
    )
    record(f"report_{action}", by=by, obj=report)
    db.session.commit()
