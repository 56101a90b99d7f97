"""Report pages: the study team generates, reviews and releases; readers view and download."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import require
from pact_feedback.core.render import form_page
from pact_feedback.extensions import db
from pact_feedback.jobs.queries import latest_run
from pact_feedback.participation.access import my_participation
from pact_feedback.reports import actions
from pact_feedback.reports.access import can_read
from pact_feedback.reports.build import withheld_cells
from pact_feedback.reports.forms import ConfirmForm, ReissueForm, SharingForm
from pact_feedback.reports.jobs import start_generation
from pact_feedback.reports.models import Report
from pact_feedback.reports.pdf import report_pdf
from pact_feedback.reports.presenting import report_context
from pact_feedback.reports.queries import released_for_participant, reports_for_review
from pact_feedback.studies.access import managed_study

bp = Blueprint("reports", __name__)


def _review_page(study, *, reissue_form=None):
    reports = reports_for_review(study)
    practice_reports = [r for r in reports if r.kind == "practice"]
    return form_page(
        "reports/review.html",
        reissue_form or ReissueForm(),
        study=study,
        reports=reports,
        practice_reports=practice_reports,
        participant_reports=[r for r in reports if r.kind == "participant"],
        withheld={r.id: withheld_cells(r.payload) for r in practice_reports},
        confirm_form=ConfirmForm(),
        printing=latest_run(study, "report_pdfs"),
    )


@bp.route("/studies/<slug>/reports")
@login_required
def review(slug):
    return _review_page(managed_study(slug))


@bp.route("/studies/<slug>/reports/generate", methods=["POST"])
@login_required
def generate(slug):
    study = managed_study(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = actions.generation_refusal(study)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("reports.review", slug=slug))
    run = start_generation(study, by=current_user)
    return redirect(url_for("jobs.show", run_id=run.id))


@bp.route("/studies/<slug>/reports/release", methods=["POST"])
@login_required
def release(slug):
    study = managed_study(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        released = actions.release(study, by=current_user)
    except actions.ReportError as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("reports.review", slug=slug))
    flash(f"Released {released} reports. Their readers are being emailed a link.", "success")
    return redirect(url_for("jobs.show", run_id=latest_run(study, "release_emails").id))


@bp.route("/studies/<slug>/reports/reissue", methods=["POST"])
@login_required
def reissue(slug):
    study = managed_study(slug)
    form = ReissueForm()
    if form.validate_on_submit():
        try:
            stored = actions.reissue(study, by=current_user, reason=form.reason.data)
        except actions.ReportError as refusal:
            form.reason.errors.append(str(refusal))
        else:
            version = stored.version if stored.total else "(none: no data to report)"
            flash(
                f"Re-issued {stored.total} reports as version {version}. "
                "Their readers are being emailed a link.",
                "success",
            )
            return redirect(url_for("jobs.show", run_id=latest_run(study, "release_emails").id))
    return _review_page(study, reissue_form=form)


def _readable_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    # Hide even the existence of reports someone may not read: ids are guessable.
    require(can_read(current_user, report), hide=True)
    return report


@bp.route("/reports/<int:report_id>")
@login_required
def show(report_id):
    report = _readable_report(report_id)
    context = report_context(report, viewer=current_user)
    actions.log_access(report, by=current_user, action="view")
    return render_template("reports/show.html", sharing_form=SharingForm(), **context)


@bp.route("/reports/<int:report_id>/report.pdf")
@login_required
def download(report_id):
    report = _readable_report(report_id)
    # Only the participant chooses to print their report without their name.
    name = request.args.get("name", "yes") if report.user_id == current_user.id else "yes"
    if name not in ("yes", "no"):
        abort(400)
    pdf = report_pdf(report, viewer=current_user, with_name=name == "yes")
    actions.log_access(report, by=current_user, action="download")
    filename = f"pact-{report.kind}-report-{report.study.slug}-v{report.version}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/take-part/<slug>/report", methods=["GET", "POST"])
@login_required
def mine(slug):
    """A participant's own report for a study, with their sharing choice."""
    study, membership = my_participation(slug)
    form = SharingForm(share="yes" if membership.shares_with_practice else "no")
    if form.validate_on_submit():
        actions.set_sharing(membership, share=form.share.data == "yes", by=current_user)
        flash(
            "Your practice lead can now read your report."
            if membership.shares_with_practice
            else "Your report is private to you.",
            "success",
        )
        return redirect(url_for("reports.mine", slug=slug))
    return form_page(
        "reports/mine.html",
        form,
        study=study,
        membership=membership,
        report=released_for_participant(current_user.id, study.id),
    )
