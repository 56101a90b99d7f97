"""The study team's pages: studies, their lifecycle, enrolment and inviting practice leads."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import is_global_study_team, is_study_team, require
from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.render import form_page
from pact_feedback.core.uploads import read_upload
from pact_feedback.practices.importing import (
    parse_enrolments,
    parse_pasted_codes,
    practices_by_code,
)
from pact_feedback.studies import actions
from pact_feedback.studies.access import managed_study
from pact_feedback.studies.forms import EnrolForm, InviteForm, StudyForm
from pact_feedback.studies.lifecycle import STAGES
from pact_feedback.studies.queries import (
    enrolments_with_practices,
    participation_counts,
    studies_managed_by,
)

bp = Blueprint("studies", __name__, url_prefix="/studies")


@bp.route("/")
@login_required
def index():
    require(is_study_team(current_user))
    return render_template("studies/index.html", studies=studies_managed_by(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(is_global_study_team(current_user))
    form = StudyForm()
    if form.validate_on_submit():
        fields = {
            name: form[name].data
            for name in (
                "description",
                "round",
                "collection_start",
                "collection_end",
                "pis_version",
            )
        }
        try:
            study = actions.create_study(
                by=current_user, slug=form.slug.data, title=form.title.data, **fields
            )
        except actions.StudyError as refusal:
            form.slug.errors.append(str(refusal))
        else:
            flash(f"Study “{study.title}” created. Next, enrol practices.", "success")
            if form.instrument.data == "record_audit":  # the casebook sets up its form
                return redirect(url_for("casebook.setup", slug=study.slug))
            return redirect(url_for("studies.detail", slug=study.slug))
    return form_page("studies/new.html", form)


@bp.route("/<slug>")
@login_required
def detail(slug):
    study = managed_study(slug)
    return render_template(
        "studies/detail.html",
        study=study,
        stages=STAGES,
        enrolments=enrolments_with_practices(study),
        counts=participation_counts(study),
    )


@bp.route("/<slug>/enrol", methods=["GET", "POST"])
@login_required
def enrol(slug):
    study = managed_study(slug)
    form = EnrolForm()
    result = None
    if form.validate_on_submit():
        result = _enrolment_rows(form)
        if result is not None and result.ok:
            try:
                added, updated = actions.enrol_practices(study, result.rows, by=current_user)
            except actions.StudyError as refusal:
                form.ods_codes.errors.append(str(refusal))
                return form_page("studies/enrol.html", form, study=study, result=None)
            flash(f"{added} practice(s) enrolled, {updated} updated.", "success")
            return redirect(url_for("studies.detail", slug=slug))
        if result is None:
            form.ods_codes.errors.append("Enter ODS codes or choose a CSV file")
    invalid = bool(result and result.errors)
    return form_page("studies/enrol.html", form, invalid=invalid, study=study, result=result)


def _enrolment_rows(form):
    upload = form.csv_file.data
    if upload and getattr(upload, "filename", ""):
        text = read_upload(upload, form.csv_file)
        return parse_enrolments(text) if text is not None else None
    codes = (form.ods_codes.data or "").replace(",", " ").split()
    if not codes:
        return None
    return parse_pasted_codes(codes)


@bp.route("/<slug>/practices/<ods_code>/invite-lead", methods=["GET", "POST"])
@login_required
def invite_lead(slug, ods_code):
    study = managed_study(slug)
    practice = practices_by_code([ods_code.upper()]).get(ods_code.upper())
    if practice is None or practice.id not in {e.practice_id for e in study.enrolments}:
        abort(404)
    form = InviteForm()
    if form.validate_on_submit():
        invite(
            email=form.email.data,
            name=form.name.data or "",
            role=PRACTICE_LEAD,
            practice=practice,
            by=current_user,
        )
        flash(f"Invitation sent to {form.email.data}.", "success")
        return redirect(url_for("studies.detail", slug=slug))
    return form_page("studies/invite_lead.html", form, study=study, practice=practice)
