"""The surveys blueprint, and the study team's gate to a study's survey. Route modules
(`views`, `manage`, `stats`) add to it; `surveys.routes` gathers them for the factory."""

from flask import Blueprint, abort

from pact_feedback.studies.access import managed_study
from pact_feedback.surveys import queries

bp = Blueprint("surveys", __name__)


def team_study_survey(slug):
    """The study and its survey, for the study team only."""
    study = managed_study(slug)
    survey = queries.survey_for(study)
    if survey is None:
        abort(404)
    return study, survey
