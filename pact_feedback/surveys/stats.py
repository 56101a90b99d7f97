"""The study team's uptake statistics page and CSV, per study and wave."""

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from pact_feedback.core.access import is_study_team, require
from pact_feedback.reports.charts import Series, bar_chart
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.surveys import queries
from pact_feedback.surveys.views import bp
from pact_feedback.tabulation.breakdowns import BREAKDOWNS
from pact_feedback.tabulation.uptake import HEADLINE_CODES, export_rows, tabulate

ROLE_QUESTION = "respondent_role"


def _study_survey(slug):
    study = study_by_slug(slug)
    if study is None:
        abort(404)
    require(is_study_team(current_user, study))
    survey = queries.survey_for(study)
    if survey is None:
        abort(404)
    return study, survey


def compute_uptake(study, survey, number: int):
    """The tabulated uptake of wave `number` (the wave must exist)."""
    questions = {q.code: q for q in survey.questions}
    tabulated = {
        code: [(c.code, c.label) for c in questions[code].choices]
        for code in HEADLINE_CODES
        if code in questions
    }
    role = questions.get(ROLE_QUESTION)
    role_labels = {c.code: c.label for c in role.choices} if role else None
    answers = queries.answers_frame(survey, codes=(*tabulated, ROLE_QUESTION))
    return tabulate(queries.sent_frame(study), answers, number, tabulated, role_labels)


def uptake_for(study, survey, number: int):
    """(wave, uptake, questions by code) for wave `number`, or 404."""
    wave = queries.wave_by_number(survey, number)
    if wave is None:
        abort(404)
    questions = {q.code: q for q in survey.questions}
    return wave, compute_uptake(study, survey, number), questions


def _wave_number() -> int:
    return request.args.get("wave", default=1, type=int) or 1


@bp.route("/studies/<slug>/uptake")
@login_required
def uptake(slug):
    study, survey = _study_survey(slug)
    wave, result, questions = uptake_for(study, survey, _wave_number())
    return render_template(
        "surveys/uptake.html",
        study=study,
        survey=survey,
        wave=wave,
        uptake=result,
        questions=questions,
        breakdown_labels=BREAKDOWNS,
        chart=_chart(result, questions),
    )


def _chart(result, questions):
    if not result.tables or not result.summary["n_responded"]:
        return None
    first = next(iter(result.tables.values()))
    categories = [(code, row["label"]) for code, row in first.iterrows()]
    series = [
        Series(questions[code].text, {c: float(table.loc[c, "percent_shown"]) for c in table.index})
        for code, table in result.tables.items()
    ]
    return bar_chart(
        f"Uptake, wave {result.wave}",
        "Percentage of practices that answered, by answer, for each question. "
        "The same figures are in the tables below.",
        categories,
        series,
        unit="%",
    )


@bp.route("/studies/<slug>/uptake.csv")
@login_required
def uptake_csv(slug):
    study, survey = _study_survey(slug)
    wave, result, _ = uptake_for(study, survey, _wave_number())
    csv = export_rows(study.slug, result).to_csv(index=False)
    name = f"{study.slug}-uptake-wave-{wave.number}.csv"
    return Response(
        csv, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
