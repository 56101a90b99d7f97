"""The study team's uptake statistics page and CSV, per study and wave."""

import pandas as pd
from flask import Response, abort, render_template, request
from flask_login import login_required

from pact_feedback.audit.log import record_read
from pact_feedback.charts.bars import Series, bar_chart
from pact_feedback.reports.build import cycle_collection_paused
from pact_feedback.surveys import queries
from pact_feedback.surveys.blueprint import bp, team_study_survey
from pact_feedback.surveys.figures import compute_uptake
from pact_feedback.tabulation import exports
from pact_feedback.tabulation.breakdowns import BREAKDOWNS
from pact_feedback.tabulation.paper import paper_frame
from pact_feedback.tabulation.uptake import HEADLINE_CODES, practice_table


def uptake_for(study, survey, number: int, *, page: str):
    """(wave, uptake, questions by code) for wave `number`, or 404; the view is audited first
    (its commit would otherwise expire the survey's questions, and the page would load each
    one again while rendering)."""
    wave = queries.wave_by_number(survey, number)
    if wave is None:
        abort(404)
    _record_view(study, wave, page)
    questions = {q.code: q for q in survey.questions}
    return wave, compute_uptake(study, survey, number), questions


CHART_LABELS = {
    "yes": "Yes",
    "planning": "Planning to",
    "no": "No",
    "yes_or_planning": "Yes or planning to",
}


def _wave_number() -> int:
    return request.args.get("wave", default=1, type=int) or 1


@bp.route("/studies/<slug>/uptake")
@login_required
def uptake(slug):
    study, survey = team_study_survey(slug)
    wave, result, questions = uptake_for(study, survey, _wave_number(), page="statistics")
    with cycle_collection_paused():  # the figures' frames and rows, as in compute_uptake
        return _page(study, survey, wave, result, questions)


def _page(study, survey, wave, result, questions):
    return render_template(
        "surveys/uptake.html",
        study=study,
        survey=survey,
        wave=wave,
        uptake=result,
        table_rows={code: plain_rows(table) for code, table in result.tables.items()},
        # The breakdowns' rows straight from their arrays: the page reads none of the frames.
        breakdown_rows={key: result.breakdowns.rows(key, plain_rows) for key in result.breakdowns},
        breakdown_whole={key: result.breakdowns.withheld_whole(key) for key in result.breakdowns},
        questions=questions,
        breakdown_labels=BREAKDOWNS,
        chart=_chart(result, questions),
    )


def plain_rows(frame: pd.DataFrame) -> dict:
    """`frame.to_dict("index")` for the template (native Python values, None where a
    whole-number cell is empty), from one conversion of the whole frame: to_dict boxes every
    cell on its own, and with the lookups in the frames that was most of the page's rendering."""
    names = list(frame.columns)
    return {
        key: dict(zip(names, [None if v is pd.NA else v for v in values], strict=True))
        for key, values in zip(
            frame.index.tolist(), frame.to_numpy(dtype=object).tolist(), strict=True
        )
    }


def _record_view(study, wave, page: str) -> None:
    """Uptake statistics are personal data of the practices that answered: views are logged."""
    record_read("uptake_viewed", obj=study, wave=wave.number, page=page)


def _chart(result, questions):
    # The chart shows the two headline questions, which share their answers (yes/planning/no).
    charted = {c: t for c, t in result.tables.items() if c in HEADLINE_CODES}
    if not charted or not result.summary["n_responded"]:
        return None
    first = next(iter(charted.values()))
    categories = [(code, CHART_LABELS.get(code, row["label"])) for code, row in first.iterrows()]
    series = [
        Series(questions[code].text, {c: float(table.loc[c, "percent_shown"]) for c in table.index})
        for code, table in charted.items()
    ]
    return bar_chart(
        f"Uptake, wave {result.wave}",
        "Percentage of practices that answered, by answer, for each question. "
        "The same figures are in the tables below.",
        categories,
        series,
        unit="%",
    )


@bp.route("/studies/<slug>/uptake/practices")
@login_required
def uptake_practices(slug):
    study, survey = team_study_survey(slug)
    number = _wave_number()
    wave = queries.wave_by_number(survey, number) or abort(404)
    questions = {q.code: q for q in survey.questions}
    codes = [c for c in HEADLINE_CODES if c in questions]
    table = practice_table(
        queries.sent_frame(study),
        queries.answers_frame(survey, codes=tuple(codes)),
        queries.report_access_frame(study),
        number,
    )
    labels = {code: {c.code: c.label for c in questions[code].choices} for code in codes}
    _record_view(study, wave, "practices")
    return render_template(
        "surveys/uptake_practices.html",
        study=study,
        survey=survey,
        wave=wave,
        table=table,
        codes=codes,
        labels=labels,
        questions=questions,
    )


def _download(slug, kind):
    study, survey = team_study_survey(slug)
    wave = queries.wave_by_number(survey, _wave_number()) or abort(404)
    rows = paper_frame(study.slug, compute_uptake(study, survey, wave.number))
    name = f"{study.slug}-uptake-wave-{wave.number}.{kind}"
    body, mimetype = exports.table_file(kind, rows, sheet="uptake")
    record_read("uptake_exported", obj=study, wave=wave.number, format=kind, rows=len(rows))
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/studies/<slug>/uptake.csv")
@login_required
def uptake_csv(slug):
    return _download(slug, "csv")


@bp.route("/studies/<slug>/uptake.xlsx")
@login_required
def uptake_xlsx(slug):
    return _download(slug, "xlsx")


@bp.route("/studies/<slug>/uptake.dta")
@login_required
def uptake_dta(slug):
    return _download(slug, "dta")
