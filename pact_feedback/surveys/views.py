"""Survey pages for practice leads: their practice's waves, and answering one wave.

The study team's pages (editor, waves, sends, statistics) are in manage.py and stats.py, on
the same blueprint (`surveys.blueprint`; `surveys.routes` gathers the three).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import leads_practice, require
from pact_feedback.core.time import today
from pact_feedback.studies.access import visible_practice
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.surveys import actions, queries, renderer
from pact_feedback.surveys.answers import (
    display_answer,
    is_shown,
    parse_answers,
    raw_from_answers,
    raw_from_form,
)
from pact_feedback.surveys.blueprint import bp
from pact_feedback.surveys.definitions import spec_of
from pact_feedback.surveys.forms import AnswerForm


@bp.route("/practices/<ods_code>/surveys")
@login_required
def practice_index(ods_code):
    practice = visible_practice(ods_code)
    rows = queries.waves_for_practice(practice)
    return render_template(
        "surveys/practice_index.html", practice=practice, rows=rows, today=today()
    )


def _wave_for(practice, slug: str, number: int):
    study = study_by_slug(slug)
    survey = queries.survey_for(study) if study else None
    wave = queries.wave_by_number(survey, number) if survey else None
    if wave is None or not queries.was_sent_report(study, practice):
        abort(404)
    return study, survey, wave


@bp.route("/practices/<ods_code>/surveys/<slug>/waves/<int:number>", methods=["GET", "POST"])
@login_required
def answer(ods_code, slug, number):
    practice = visible_practice(ods_code)
    study, survey, wave = _wave_for(practice, slug, number)
    response = queries.response_for(wave, practice)
    questions = [spec_of(q) for q in survey.questions]
    form = AnswerForm()
    state = "closed" if study.status == "closed" else wave.state(today())
    errors: dict = {}
    raw = raw_from_answers(questions, response.latest.answers) if response else {}
    status, conflict = 200, None
    if request.method == "POST":
        require(leads_practice(current_user, practice))  # the study team reads, never answers
        if state != "open":
            status = 409
        elif form.validate_on_submit():
            submit = request.form.get("action") != "draft" or bool(
                response and response.submitted_at
            )
            answers, errors = parse_answers(questions, request.form, check_required=submit)
            if not errors:
                try:
                    actions.save_response(
                        wave,
                        practice,
                        answers,
                        by=current_user,
                        submit=submit,
                        based_on=_based_on(request.form),
                    )
                except actions.SavedByColleague:
                    # Show theirs beside what this lead typed; saving again makes it the next
                    # version on top of theirs.
                    response = queries.response_for(wave, practice)
                    raw, status = raw_from_form(request.form), 409
                    conflict = response.latest if response else None
                else:
                    flash(_saved_message(submit, wave), "success")
                    return redirect(url_for("surveys.practice_index", ods_code=practice.ods_code))
            else:
                raw, status = raw_from_form(request.form), 422
    rendered = renderer.items(questions)
    return render_template(
        "surveys/answer.html",
        practice=practice,
        study=study,
        survey=survey,
        wave=wave,
        state=state,
        response=response,
        questions=questions,
        raw=raw,
        errors=errors,
        conflict=conflict,
        form=form,
        can_answer=state == "open" and leads_practice(current_user, practice),
        items=rendered,
        error_list=renderer.error_items(rendered, errors),
        display_answer=display_answer,
        is_shown=is_shown,
    ), status


def _based_on(form) -> int | None:
    """The version the lead's form showed (a hidden field); None from a form without it."""
    value = form.get("based_on", "")
    return int(value) if value.isdigit() and len(value) < 9 else None


def _saved_message(submit: bool, wave) -> str:
    if submit:
        return (
            f"Thank you. Your answers to wave {wave.number} have been sent to the study team. "
            f"You can change them until {wave.closes_on:%-d %B %Y}."
        )
    return (
        f"Your answers to wave {wave.number} are saved as a draft. Come back to finish and "
        f"submit them by {wave.closes_on:%-d %B %Y}."
    )
