"""The study team's record-audit pages: set-up from the template, the form as JSON, progress,
second-review agreement and the national tables (on the casebook blueprint)."""

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from pact_feedback.casebook import actions, definition, national
from pact_feedback.casebook.blueprint import bp
from pact_feedback.casebook.forms import CsrfForm, DefinitionForm, ReviewerForm, SettingsForm
from pact_feedback.casebook.queries import (
    eligible_reviewers,
    enrolled_practice,
    progress_by_practice,
    reviewers_by_practice,
)
from pact_feedback.core.render import form_page
from pact_feedback.core.uploads import read_upload
from pact_feedback.studies.access import managed_study
from pact_feedback.tabulation.exports import table_file


def _team_form(slug):
    study = managed_study(slug)
    form = actions.form_for(study)
    if form is None:
        abort(404)
    return study, form


@bp.route("/studies/<slug>/audit", methods=["GET", "POST"])
@login_required
def setup(slug):
    study = managed_study(slug)
    form = actions.form_for(study)
    if form is None:
        confirm = CsrfForm()
        if confirm.validate_on_submit():
            actions.set_up_audit(study, by=current_user)
            flash("This study now collects by record audit, with the Why Test form.", "success")
            return redirect(url_for("casebook.setup", slug=slug))
        return render_template("casebook/setup_new.html", study=study, form=confirm)
    settings = SettingsForm(obj=form)
    if settings.validate_on_submit():
        spec = definition.spec_of(form)
        spec.title, spec.sampling_frame = settings.title.data, settings.sampling_frame.data or ""
        spec.target_cases, spec.review_percent = (
            settings.target_cases.data,
            settings.review_percent.data,
        )
        actions.replace_definition(form, spec, by=current_user)
        flash("Audit settings saved.", "success")
        return redirect(url_for("casebook.setup", slug=slug))
    return form_page(
        "casebook/setup.html",
        settings,
        study=study,
        case_form=form,
        spec=definition.spec_of(form),
        progress=progress_by_practice(form),
        reviewers=reviewers_by_practice(form),
    )


ANY_COLLEAGUE = "any"


@bp.route("/studies/<slug>/audit/reviewers/<ods_code>", methods=["GET", "POST"])
@login_required
def assign_reviewer(slug, ods_code):
    """Choose the one clinician who second-reviews a practice's sample, or any colleague."""
    study, form = _team_form(slug)
    practice = enrolled_practice(study, ods_code)
    if practice is None:
        abort(404)
    people = {str(u.id): u for u in eligible_reviewers(study, practice)}
    current = actions.reviewer_for(form, practice)
    page = ReviewerForm(reviewer=str(current.id) if current else ANY_COLLEAGUE)
    page.reviewer.choices = [
        (ANY_COLLEAGUE, "Any clinician of the practice who did not enter the case"),
        *((key, f"{u.name} ({u.email})") for key, u in people.items()),
    ]
    if page.validate_on_submit():
        chosen = people.get(page.reviewer.data)
        actions.assign_reviewer(form, practice, chosen, by=current_user)
        who = chosen.name if chosen else "any clinician of the practice who did not enter it"
        flash(f"{practice.name}'s sample is reviewed by {who}.", "success")
        return redirect(url_for("casebook.setup", slug=slug))
    return form_page(
        "casebook/assign_reviewer.html", page, study=study, practice=practice, current=current
    )


@bp.route("/studies/<slug>/audit/form", methods=["GET", "POST"])
@login_required
def edit_form(slug):
    study, form = _team_form(slug)
    page = DefinitionForm()
    if page.validate_on_submit():
        text = _definition_text(page)
        spec, errors = _parse(text) if text is not None else (None, [])
        if spec is not None:
            try:
                actions.replace_definition(form, spec, by=current_user)
            except actions.CasebookError as refusal:
                errors = [str(refusal)]
            else:
                flash("The case report form is saved.", "success")
                return redirect(url_for("casebook.setup", slug=slug))
        page.definition.errors = list(page.definition.errors) + errors
    elif not page.is_submitted():
        exported = definition.form_to_json(definition.spec_of(form))
        page.definition.data = json.dumps(exported, indent=2, ensure_ascii=False)
    return form_page("casebook/edit_form.html", page, study=study)


def _definition_text(page) -> str | None:
    upload = page.json_file.data
    if upload and getattr(upload, "filename", ""):
        return read_upload(upload, page.json_file)
    if not (page.definition.data or "").strip():
        page.definition.errors = ["Enter the form definition, or choose a file"]
        return None
    return page.definition.data


def _parse(text: str):
    try:
        data = json.loads(text)
    except ValueError as problem:
        return None, [f"The definition is not valid JSON: {problem}"]
    return definition.from_json(data)


@bp.route("/studies/<slug>/audit/form.json")
@login_required
def export_form(slug):
    study, form = _team_form(slug)
    body = json.dumps(definition.form_to_json(definition.spec_of(form)), indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{study.slug}-audit-form.json"'},
    )


@bp.route("/studies/<slug>/audit/tables")
@login_required
def tables(slug):
    study, form = _team_form(slug)
    result = national.tabulate(form)
    return render_template(
        "casebook/tables.html",
        study=study,
        result=result,
        sections=national.sections(result),
    )


@bp.route("/studies/<slug>/audit/tables.<any(csv, xlsx, dta):fmt>")
@login_required
def download_tables(slug, fmt):
    study, form = _team_form(slug)
    frame = national.tabulate(form).frame
    body, mimetype = table_file(fmt, frame, sheet="audit", dictionary=national.DATA_DICTIONARY)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{study.slug}-audit-tables.{fmt}"'},
    )
