"""Entering cases: the practice's audit page, the case form (save and next), CSV import,
submission and second review. The study team's pages are in team_views.py, same blueprint."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import require
from pact_feedback.casebook import actions
from pact_feedback.casebook.blueprint import bp
from pact_feedback.casebook.definition import spec_of
from pact_feedback.casebook.entry import in_review_sample, next_sequence, parse_case
from pact_feedback.casebook.forms import CasesUploadForm, CsrfForm, ReviewForm
from pact_feedback.casebook.presenting import figures
from pact_feedback.casebook.queries import (
    assignment_for,
    case_by_sequence,
    member_practice,
    reviewed_sequences,
)
from pact_feedback.casebook.summary import COLUMNS as SUMMARY_COLUMNS
from pact_feedback.casebook.summary import summary_context
from pact_feedback.core.render import form_page
from pact_feedback.core.uploads import read_upload
from pact_feedback.participation.access import participation_in
from pact_feedback.participation.actions import current_consent
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.surveys import renderer
from pact_feedback.surveys.answers import display_answer, is_shown, raw_from_answers, raw_from_form


def _audit(slug: str, *, create: bool = False):
    """(study, form, audit or None) for the signed-in member of a practice in the study."""
    study = study_by_slug(slug)
    form = actions.form_for(study) if study else None
    practice = member_practice(current_user, study) if form else None
    require(practice is not None, hide=True)
    membership = participation_in(current_user, study)
    if membership is not None and current_consent(membership) is None:
        abort(redirect(url_for("participation.consent", slug=slug)))
    return study, form, actions.audit_for(form, practice, create=create), practice


def next_step(membership) -> dict | None:
    """The home page's first action for a participant of a record-audit study: consent first,
    then their practice's audit while the study collects and the audit is not submitted; None
    when there is nothing to do. (The diary's own is `diary.views.next_step`.)"""
    study = membership.study
    if current_consent(membership) is None:
        return {
            "text": "Read about the study and give your consent",
            "href": url_for("participation.consent", slug=study.slug),
            "first": True,
            "then": "Then you can enter your practice's cases.",
        }
    form = actions.form_for(study)
    if study.status != "collecting" or form is None or membership.practice is None:
        return None
    audit = actions.audit_for(form, membership.practice)
    if audit is not None and audit.submitted_at is not None:
        return None
    return {
        "text": "Enter your practice's cases",
        "href": url_for("casebook.audit", slug=study.slug),
    }


@bp.route("/take-part/<slug>/audit")
@login_required
def audit(slug):
    study, form, audit, practice = _audit(slug)
    cases = audit.cases if audit else []
    spec = spec_of(form)
    return render_template(
        "casebook/audit.html",
        study=study,
        spec=spec,
        practice=practice,
        audit=audit,
        cases=cases,
        next_number=next_sequence([c.sequence for c in cases]),
        submit_form=CsrfForm(),
        reviewable=_reviewable(form, practice, cases),
    )


@bp.route("/take-part/<slug>/audit/summary")
@login_required
def summary(slug):
    """The signed-in clinician's own cases beside their practice and the network: theirs alone
    (the study team, who are not members of a practice's audit, have no such page)."""
    study, form, _, practice = _audit(slug)
    context = summary_context(study, form, practice, current_user)
    return render_template(
        "casebook/summary.html",
        study=study,
        practice=practice,
        figures=figures(context["payload"], SUMMARY_COLUMNS),
        **context,
    )


def _reviewable(form, practice, cases) -> list:
    """The sampled cases the signed-in member may second-review: none unless they are the
    assigned reviewer (when the study team assigned one), never a case they entered."""
    if not form.review_question:
        return []
    assignment = assignment_for(form, practice.id)
    if assignment is not None and assignment.reviewer_id != current_user.id:
        return []
    return [
        c
        for c in cases
        if in_review_sample(c.sequence, form.review_percent) and c.entered_by_id != current_user.id
    ]


def _case_page(study, form, audit, practice, *, sequence, case=None):
    spec = spec_of(form)
    questions = spec.questions
    csrf = CsrfForm()
    errors, raw, status = {}, raw_from_answers(questions, case.answers) if case else {}, 200
    if request.method == "POST" and csrf.validate_on_submit():
        answers, errors = parse_case(questions, request.form)
        if not errors:
            try:
                saved = actions.save_case(
                    audit, answers=answers, by=current_user, sequence=sequence
                )
            except actions.CasebookError as refusal:
                flash(str(refusal), "error")
                return redirect(url_for("casebook.audit", slug=study.slug))
            flash(f"Case {saved.sequence} saved.", "success")
            if request.form.get("then") == "next" and len(audit.cases) < form.target_cases:
                return redirect(url_for("casebook.new_case", slug=study.slug))
            return redirect(url_for("casebook.audit", slug=study.slug))
        raw, status = raw_from_form(request.form), 422
    rendered = renderer.items(questions)
    return render_template(
        "casebook/case.html",
        study=study,
        spec=spec,
        practice=practice,
        audit=audit,
        sequence=sequence,
        done=len(audit.cases) if audit else 0,
        items=rendered,
        raw=raw,
        errors=errors,
        error_list=renderer.error_items(rendered, errors),
        form=csrf,
    ), status


@bp.route("/take-part/<slug>/audit/cases/new", methods=["GET", "POST"])
@login_required
def new_case(slug):
    # The practice's audit begins with its first saved case, not with a look at the form.
    study, form, audit, practice = _audit(slug, create=request.method == "POST")
    if audit and audit.submitted_at:
        flash("Your practice has submitted its audit, so no more cases can be added.", "error")
        return redirect(url_for("casebook.audit", slug=slug))
    sequence = next_sequence([c.sequence for c in audit.cases] if audit else [])
    return _case_page(study, form, audit, practice, sequence=sequence)


@bp.route("/take-part/<slug>/audit/cases/<int:sequence>", methods=["GET", "POST"])
@login_required
def edit_case(slug, sequence):
    study, form, audit, practice = _audit(slug)
    case = case_by_sequence(audit, sequence)
    if case is None:
        abort(404)
    if audit.submitted_at:
        return render_template(
            "casebook/case_view.html",
            study=study,
            case=case,
            questions=[q for q in spec_of(form).questions if is_shown(q, case.answers)],
            display_answer=display_answer,
        )
    return _case_page(study, form, audit, practice, sequence=sequence, case=case)


@bp.route("/take-part/<slug>/audit/submit", methods=["POST"])
@login_required
def submit(slug):
    _, _, audit, _ = _audit(slug)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        if audit is None:
            raise actions.CasebookError("Enter at least one case before submitting the audit")
        actions.submit_audit(audit, by=current_user)
    except actions.CasebookError as refusal:
        flash(str(refusal), "error")
    else:
        flash("Thank you. Your practice's audit has been submitted to the study team.", "success")
    return redirect(url_for("casebook.audit", slug=slug))


@bp.route("/take-part/<slug>/audit/import", methods=["GET", "POST"])
@login_required
def import_cases(slug):
    study, form, audit, practice = _audit(slug, create=request.method == "POST")
    upload_form = CasesUploadForm()
    result = None
    if upload_form.validate_on_submit():
        upload = upload_form.csv_file.data
        text = read_upload(upload, upload_form.csv_file) if upload else None
        if upload is None:
            upload_form.csv_file.errors.append("Choose a CSV file")
        if text is not None:
            result = actions.parse_cases(text, spec_of(form).questions)
            if result.ok:
                try:
                    added, changed, same = actions.import_cases(audit, result, by=current_user)
                except actions.CasebookError as refusal:
                    upload_form.csv_file.errors.append(str(refusal))
                else:
                    flash(f"{added} cases added, {changed} changed, {same} unchanged.", "success")
                    return redirect(url_for("casebook.audit", slug=slug))
            elif not result.errors:
                upload_form.csv_file.errors.append("The file has no cases")
    invalid = bool(result and result.errors)
    return form_page(
        "casebook/import.html",
        upload_form,
        invalid=invalid,
        study=study,
        spec=spec_of(form),
        practice=practice,
        result=result,
    )


@bp.route("/take-part/<slug>/audit/reviews/<int:sequence>", methods=["GET", "POST"])
@login_required
def review(slug, sequence):
    study, form, audit, practice = _audit(slug)
    case = case_by_sequence(audit, sequence)
    if case is None or case not in _reviewable(form, practice, audit.cases):
        abort(404)
    spec = spec_of(form)
    question = spec.question(form.review_question)
    review_form = ReviewForm()
    review_form.judgement.choices = {c.code: c.label for c in question.choices}
    review_form.judgement.label.text = question.text
    if review_form.validate_on_submit():
        actions.review_case(case, judgement=review_form.judgement.data, by=current_user)
        flash(f"Your review of case {case.sequence} is saved.", "success")
        return redirect(url_for("casebook.audit", slug=slug))
    # Blind: the page shows every answer except the first clinician's judgement.
    shown = [q for q in spec.questions if q.code != question.code and is_shown(q, case.answers)]
    return form_page(
        "casebook/review.html",
        review_form,
        study=study,
        case=case,
        questions=shown,
        display_answer=display_answer,
        reviewed=sequence in reviewed_sequences(audit),
    )
