"""Printing released reports ahead, as a job on the later queue (behind the emails), so a
reader's "Download as PDF" is served at once (`reports.pdf.report_pdf`).

Kept in the database (`report_pdfs`), not the instance folder: the worker that prints and the
web server that serves may be different hosts, and a report's files go with the report by its
foreign key (erasure, a deleted study). Without a queue nothing is printed ahead: a release
must stay quick, and each download is printed when asked for, as before.
"""

from sqlalchemy import delete, or_, select, update

from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.jobs.queue import chunks, queued, start
from pact_feedback.jobs.runner import advance
from pact_feedback.printing import print_pdf
from pact_feedback.reports.models import Report, ReportPdf
from pact_feedback.reports.pdf import copies, fingerprint

PRINT = "pact_feedback.reports.print_ahead.print_step"


def start_printing(study, *, by):
    """Queue printing the study's released reports; the JobRun (None without a queue)."""
    if not queued():
        return None
    report_ids = list(
        db.session.scalars(
            select(Report.id)
            .where(Report.study_id == study.id, Report.status == "released")
            .order_by(Report.id)
        )
    )
    return start(
        "report_pdfs",
        f"Printing the {study.title} reports as PDFs",
        by=by,
        study=study,
        total=len(report_ids),
        steps=[(PRINT, (chunk,)) for chunk in chunks(report_ids)],
        later=True,
    )


def forget(report_ids: list[int]) -> None:
    """Drop the kept files of reports nobody downloads any more (superseded by a re-issue)."""
    db.session.execute(delete(ReportPdf).where(ReportPdf.report_id.in_(report_ids)))


def print_step(run, report_ids: list[int]) -> None:
    """A job step: print each report's copies that are not current, keep them, count it once.

    A re-run (a retry, a re-queue after a killed worker) prints only what is not kept yet, and
    counts a report only if this job had not claimed it already."""
    for report_id in report_ids:
        report = db.session.get(Report, report_id)
        if report is None or report.status != "released":
            advance(run.id, done=1)  # erased or re-issued meanwhile: nothing to print
        else:
            store_copies(report)
            if claim_copies(report.id, run.id):
                advance(run.id, done=1)
        commit()


def store_copies(report) -> None:
    """Print and keep each of the report's copies whose kept file is missing or stale."""
    kept = {
        row.reader: row
        for row in db.session.scalars(select(ReportPdf).where(ReportPdf.report_id == report.id))
    }
    for reader, html in copies(report).items():
        current = fingerprint(html)
        row = kept.get(reader)
        if row is not None and row.fingerprint == current:
            continue
        if row is None:
            row = ReportPdf(report_id=report.id, reader=reader)
            db.session.add(row)
        row.fingerprint, row.data, row.printed_at = current, print_pdf(html), utcnow()
    db.session.flush()


def claim_copies(report_id: int, run_id: int) -> bool:
    """Mark the report's copies as printed by this job; False when they already were."""
    claimed = db.session.execute(
        update(ReportPdf)
        .where(
            ReportPdf.report_id == report_id,
            or_(ReportPdf.job_run_id.is_(None), ReportPdf.job_run_id != run_id),
        )
        .values(job_run_id=run_id)
    )
    return claimed.rowcount > 0
