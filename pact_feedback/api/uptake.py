"""`GET /api/v1/studies/<slug>/uptake`: a study's uptake figures, for study-team tokens.

The same figures as the statistics page and `flask surveys stats --format json`.
"""

from flask import jsonify, request

from pact_feedback.accounts.access import is_study_team
from pact_feedback.api.auth import api_user
from pact_feedback.api.blueprint import bp
from pact_feedback.api.errors import Problem
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.surveys import queries
from pact_feedback.surveys.cli import as_json
from pact_feedback.surveys.figures import compute_uptake


@bp.get("/studies/<slug>/uptake")
def uptake(slug):
    study = study_by_slug(slug)
    # Not "forbidden": whether a study exists is itself for the study team only.
    if study is None or not is_study_team(api_user(), study):
        raise Problem(404, "No study with that name that you run", kind="not-found")
    number = request.args.get("wave", default=1, type=int)
    survey = queries.survey_for(study)
    if survey is None or number is None or queries.wave_by_number(survey, number) is None:
        raise Problem(404, f"This study has no uptake survey wave {number}", kind="not-found")
    return jsonify(as_json(study.slug, compute_uptake(study, survey, number)))
