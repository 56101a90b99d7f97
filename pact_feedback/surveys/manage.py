"""The study team's survey pages: overview, question editor, JSON export/import, waves, emails."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from pact_feedback.core.inputs import UnreadableInput, loads_json, read_text_file
from pact_feedback.core.render import form_page
from pact_feedback.core.time import today
from pact_feedback.core.uploads import read_upload
from pact_feedback.extensions import db
from pact_feedback.jobs.queries import latest_run
from pact_feedback.surveys import actions, emails, queries
from pact_feedback.surveys.blueprint import bp, team_study_survey
from pact_feedback.surveys.checking import check_question, from_json
from pact_feedback.surveys.definitions import (
    FIXED_CODES,
    TYPE_LABELS,
    ChoiceSpec,
    QuestionSpec,
    definition_of,
    spec_of,
    to_json,
)
from pact_feedback.surveys.forms import (
    ActionForm,
    ImportForm,
    QuestionForm,
    ResponsesForm,
    WaveForm,
    parse_choice_lines,
    pretty_json,
)
from pact_feedback.surveys.importing import import_responses as write
from pact_feedback.surveys.importing import parse_responses
from pact_feedback.surveys.models import CHOICE_TYPES


def _back(slug):
    return redirect(url_for("surveys.manage", slug=slug))


@bp.route("/studies/<slug>/survey")
@login_required
def manage(slug):
    study, survey = team_study_survey(slug)
    counts = {w.number: len(queries.submitted_practice_ids(w)) for w in survey.waves}
    return render_template(
        "surveys/manage.html",
        study=study,
        survey=survey,
        today=today(),
        counts=counts,
        n_sent=queries.count_sent(study),
        sends=queries.send_log(survey),
        fixed=FIXED_CODES,
        type_labels=TYPE_LABELS,
        action_form=ActionForm(),
    )


# Questions -----------------------------------------------------------------------------------

_FIELD_FOR = (
    ("show-if", "show_if_choices"),
    ("choice", "choices"),
    ("code", "code"),
    ("hint", "hint"),
    ("type", "type"),
    ("fixed", "choices"),
)


def _field_for(problem: str) -> str:
    return next((field for key, field in _FIELD_FOR if key in problem), "text")


def _question_form(survey, question=None) -> QuestionForm:
    form = QuestionForm(obj=question) if question and request.method == "GET" else QuestionForm()
    earlier = survey.questions[: survey.questions.index(question)] if question else survey.questions
    form.show_if_question.choices = [SelectChoice("", "Always show this question")] + [
        SelectChoice(q.code, f"{q.position}. {q.text}") for q in earlier if q.type in CHOICE_TYPES
    ]
    if question and request.method == "GET":
        form.choices.data = "\n".join(f"{c.code} | {c.label}" for c in question.choices)
        if question.show_if:
            form.show_if_question.data = question.show_if["question"]
            form.show_if_choices.data = ", ".join(question.show_if["choices"])
    return form


def _spec_from(form, code) -> tuple[QuestionSpec, list[str]]:
    pairs, problems = parse_choice_lines(form.choices.data)
    show_if = None
    if form.show_if_question.data:
        chosen = [c.strip() for c in (form.show_if_choices.data or "").split(",") if c.strip()]
        show_if = {"question": form.show_if_question.data, "choices": chosen}
    spec = QuestionSpec(
        code=(code or "").strip(),
        text=form.text.data or "",
        type=form.type.data,
        hint=form.hint.data or "",
        required=bool(form.required.data),
        choices=tuple(ChoiceSpec(c, label) for c, label in pairs),
        show_if=show_if,
    )
    return spec, problems


def _save_question(form, survey, question):
    """Validate and save; on refusal put each problem beside its field. True when saved."""
    code = question.code if question else form.code.data
    spec, problems = _spec_from(form, code)
    for problem in problems:
        form.choices.errors.append(problem)
    earlier = survey.questions[: survey.questions.index(question)] if question else survey.questions
    found = check_question(spec, earlier={q.code: spec_of(q) for q in earlier})
    if question is None and code in {q.code for q in survey.questions}:
        found = [p for p in found if "used by another" not in p] + [
            "code is used by another question"
        ]
    if not problems and not found:
        try:
            original = question.code if question else None
            actions.save_question(survey, spec, by=current_user, original_code=original)
            return True
        except actions.SurveyError as refusal:
            db.session.rollback()
            found = refusal.problems
    for problem in found:
        form[_field_for(problem)].errors.append(problem[0].upper() + problem[1:])
    return False


@bp.route("/studies/<slug>/survey/questions/new", methods=["GET", "POST"])
@login_required
def new_question(slug):
    study, survey = team_study_survey(slug)
    form = _question_form(survey)
    if form.validate_on_submit() and _save_question(form, survey, None):
        flash("Question added at the end of the survey.", "success")
        return _back(slug)
    return form_page("surveys/question.html", form, study=study, survey=survey, question=None)


def _question(survey, code):
    question = next((q for q in survey.questions if q.code == code), None)
    if question is None:
        abort(404)
    return question


@bp.route("/studies/<slug>/survey/questions/<code>", methods=["GET", "POST"])
@login_required
def edit_question(slug, code):
    study, survey = team_study_survey(slug)
    question = _question(survey, code)
    form = _question_form(survey, question)
    if form.validate_on_submit() and _save_question(form, survey, question):
        flash(f"Question {code} saved.", "success")
        return _back(slug)
    return form_page(
        "surveys/question.html",
        form,
        study=study,
        survey=survey,
        question=question,
        fixed=code in FIXED_CODES,
    )


@bp.route("/studies/<slug>/survey/questions/<code>/move", methods=["POST"])
@login_required
def move_question(slug, code):
    study, survey = team_study_survey(slug)
    _question(survey, code)
    form = ActionForm()
    if form.validate_on_submit():
        _try(lambda: actions.move_question(survey, code, form.value.data, by=current_user))
    return _back(slug)


@bp.route("/studies/<slug>/survey/questions/<code>/delete", methods=["GET", "POST"])
@login_required
def delete_question(slug, code):
    study, survey = team_study_survey(slug)
    question = _question(survey, code)
    form = ActionForm()
    if form.validate_on_submit():
        if _try(lambda: actions.delete_question(survey, code, by=current_user)):
            flash(f"Question {code} deleted. Answers already given to it are kept.", "success")
        return _back(slug)
    return render_template(
        "surveys/delete_question.html",
        study=study,
        question=question,
        form=form,
        fixed=code in FIXED_CODES,
    )


def _try(change) -> bool:
    try:
        change()
        return True
    except actions.SurveyError as refusal:
        db.session.rollback()
        for problem in refusal.problems:
            flash(problem, "error")
        return False


# JSON export and import ----------------------------------------------------------------------


@bp.route("/studies/<slug>/survey/export.json")
@login_required
def export_json(slug):
    study, survey = team_study_survey(slug)
    return Response(
        pretty_json(to_json(definition_of(survey))),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{study.slug}-survey.json"'},
    )


@bp.route("/studies/<slug>/survey/import", methods=["GET", "POST"])
@login_required
def import_json(slug):
    study, survey = team_study_survey(slug)
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.json_file.data
        if not (upload and getattr(upload, "filename", "")):
            form.json_file.errors.append("Choose a JSON file exported from PACT Feedback")
        else:
            try:
                definition, problems = from_json(loads_json(read_text_file(upload.read())))
            except UnreadableInput as refusal:
                definition, problems = None, [str(refusal)]
            if definition is not None:
                imported = _try(
                    lambda: actions.apply_definition(
                        survey, definition, by=current_user, action="survey_imported"
                    )
                )
                if imported:
                    flash("Survey imported: its questions replace the previous ones.", "success")
                return _back(slug)
            form.json_file.errors.append(
                f"The file has {len(problems)} problem(s). Nothing was imported."
            )
    return form_page("surveys/import.html", form, study=study, survey=survey, problems=problems)


@bp.route("/studies/<slug>/survey/responses/import", methods=["GET", "POST"])
@login_required
def import_responses(slug):

    study, survey = team_study_survey(slug)
    form = ResponsesForm()
    result = None
    if form.validate_on_submit():
        upload = form.csv_file.data
        text = read_upload(upload, form.csv_file) if upload and upload.filename else None
        if upload is None or not upload.filename:
            form.csv_file.errors.append("Choose a CSV file")
        elif text is not None:
            result = parse_responses(text, survey)
            if result.ok:
                added, changed, unchanged = write(
                    result, by=current_user, survey=survey, source=upload.filename
                )
                flash(
                    f"Imported {added} new response(s), changed {changed}, {unchanged} unchanged.",
                    "success",
                )
                return _back(slug)
            if not result.errors:
                form.csv_file.errors.append("The file has no rows")
    invalid = bool(result and result.errors)
    return form_page(
        "surveys/import_responses.html",
        form,
        invalid=invalid,
        study=study,
        survey=survey,
        result=result,
    )


# Waves and emails ----------------------------------------------------------------------------


def _save_wave(form, survey, number):
    try:
        actions.save_wave(
            survey,
            number=number,
            opens_on=form.opens_on.data,
            closes_on=form.closes_on.data,
            by=current_user,
        )
        return True
    except actions.SurveyError as refusal:
        db.session.rollback()
        field = form.closes_on if "clos" in refusal.problems[0] else form.opens_on
        field.errors.extend(refusal.problems)
        return False


@bp.route("/studies/<slug>/survey/waves/new", methods=["GET", "POST"])
@login_required
def new_wave(slug):
    study, survey = team_study_survey(slug)
    form = WaveForm()
    if form.validate_on_submit() and _save_wave(form, survey, None):
        flash("Wave added.", "success")
        return _back(slug)
    return form_page("surveys/wave.html", form, study=study, survey=survey, wave=None)


@bp.route("/studies/<slug>/survey/waves/<int:number>", methods=["GET", "POST"])
@login_required
def edit_wave(slug, number):
    study, survey = team_study_survey(slug)
    wave = queries.wave_by_number(survey, number) or abort(404)
    form = WaveForm(obj=wave) if request.method == "GET" else WaveForm()
    if form.validate_on_submit() and _save_wave(form, survey, number):
        flash(f"Wave {number} saved.", "success")
        return _back(slug)
    return form_page("surveys/wave.html", form, study=study, survey=survey, wave=wave)


@bp.route("/studies/<slug>/survey/waves/<int:number>/send", methods=["POST"])
@login_required
def send_wave(slug, number):
    study, survey = team_study_survey(slug)
    wave = queries.wave_by_number(survey, number) or abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        senders = {"invitation": emails.send_invitations, "reminder": emails.send_reminders}
        if form.value.data not in senders:
            flash("Choose invitations or reminders", "error")
            return _back(slug)
        try:
            result = senders[form.value.data](wave, by=current_user)
        except emails.SendRefused as refusal:
            flash(str(refusal), "error")
            return _back(slug)
        skipped = result.skipped_text()
        run = latest_run(study, f"survey_{form.value.data}s")
        if run.status != "finished":  # on the queue: follow it on its page
            flash(
                f"{result.sent} {form.value.data} email(s) are being sent for wave {number}. "
                f"{skipped}".strip()
            )
            return redirect(url_for("jobs.show", run_id=run.id))
        flash(
            f"{result.sent} {form.value.data} email(s) sent for wave {number}. {skipped}".strip(),
            "success",
        )
    return _back(slug)
