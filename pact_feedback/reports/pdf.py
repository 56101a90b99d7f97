"""Report PDFs: the same templates as the web page, printed by the app's one printer.

Released reports are printed ahead by a worker (`reports.jobs.print_step`) and kept in
`report_pdfs`. A download is served the kept copy only when it is exactly what its reader would
be printed now (the same page, hashed), and is printed in the request otherwise.
"""

import hashlib
from functools import cache

from flask import render_template
from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.printing import PRINTER, STATIC, print_pdf
from pact_feedback.reports.models import ReportPdf
from pact_feedback.reports.presenting import report_context

PRINT_CSS = "css/report-print.css"


def page_html(context: dict) -> str:
    """The printed page; `context` is what `reports.presenting.report_context` gives."""
    return render_template("reports/pdf.html", for_print=True, **context)


def render_pdf(context: dict) -> bytes:
    return print_pdf(page_html(context))


def fingerprint(html: str) -> str:
    """What decides a printed copy: its page, the print stylesheet and the printer's version."""
    digest = hashlib.sha256(_printer().encode())
    digest.update(html.encode())
    return digest.hexdigest()


@cache
def _printer() -> str:
    stylesheet = hashlib.sha256((STATIC / PRINT_CSS).read_bytes()).hexdigest()
    return f"{PRINTER} {stylesheet}"


def render_report_pdf(report, *, viewer=None, with_name: bool = True) -> bytes:
    """A report as its `viewer` would download it, printed now.

    A private report reads "You" for its participant (`viewer` = the participant), their name
    for a practice lead it is shared with, "the participant" otherwise; `with_name=False`
    leaves the participant's name off, as they may choose.
    """
    return render_pdf(report_context(report, viewer=viewer, with_name=with_name))


def report_pdf(report, *, viewer, with_name: bool = True) -> bytes:
    """What `viewer` downloads (check they may read it first): the copy printed ahead when it
    is exactly this reader's page, so a stale or another reader's copy is never served."""
    html = page_html(report_context(report, viewer=viewer, with_name=with_name))
    kept = db.session.scalar(
        select(ReportPdf.data).where(
            ReportPdf.report_id == report.id, ReportPdf.fingerprint == fingerprint(html)
        )
    )
    return kept if kept is not None else print_pdf(html)


def copies(report) -> dict[str, str]:
    """The pages printed ahead for a released report, by reader: the practice report as its
    practice reads it; a private report as its participant downloads it (with their name, the
    default). Other readers' copies (a lead it is shared with, no name) are printed on download."""
    if report.kind == "practice":
        return {"practice": page_html(report_context(report, viewer=None))}
    return {"owner": page_html(report_context(report, viewer=report.user))}
