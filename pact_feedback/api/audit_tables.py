"""`GET /api/v1/studies/<slug>/audit/tables`: a record audit's national tables, for study-team
tokens. The same figures as the tables page and `flask studies tabulate --format json`."""

from flask import jsonify

from pact_feedback.accounts.access import is_study_team
from pact_feedback.api.auth import api_user
from pact_feedback.api.blueprint import bp
from pact_feedback.api.errors import Problem
from pact_feedback.casebook import national
from pact_feedback.casebook.actions import form_for
from pact_feedback.studies.actions import study_by_slug


@bp.get("/studies/<slug>/audit/tables")
def audit_tables(slug):
    study = study_by_slug(slug)
    # Not "forbidden": whether a study exists is itself for the study team only.
    if study is None or not is_study_team(api_user(), study):
        raise Problem(404, "No study with that name that you run", kind="not-found")
    form = form_for(study)
    if form is None:
        raise Problem(404, "This study does not collect by record audit", kind="not-found")
    return jsonify(national.as_json(national.tabulate(form)))
