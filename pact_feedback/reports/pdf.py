"""Report PDFs: the same templates as the web page, printed by the app's one printer."""

from flask import render_template

from pact_feedback.printing import print_pdf
from pact_feedback.reports.presenting import report_context

PRINT_CSS = "css/report-print.css"


def render_pdf(context: dict) -> bytes:
    """`context` is what `reports.presenting.report_context` gives the web page."""
    return print_pdf(render_template("reports/pdf.html", for_print=True, **context))


def render_report_pdf(report, *, viewer=None, with_name: bool = True) -> bytes:
    """A report as its `viewer` would download it (a plain function: needs only an app
    context, so a background job can print released reports ahead of time).

    A private report reads "You" for its participant (`viewer` = the participant), their name
    for a practice lead it is shared with, "the participant" otherwise; `with_name=False`
    leaves the participant's name off, as they may choose.
    """
    return render_pdf(report_context(report, viewer=viewer, with_name=with_name))
