"""The caller's studies and each study's task categories."""

from pact_feedback.api.auth import api_user
from pact_feedback.api.blueprint import bp
from pact_feedback.api.lookups import (
    study_for_caller,
)
from pact_feedback.api.serialisers import category_json, study_json
from pact_feedback.diary import queries
from pact_feedback.participation.standing import standing_of


@bp.get("/studies")
def studies():
    memberships = [m for m in api_user().memberships if m.role == "participant" and m.study]
    open_to_me = [m for m in memberships if standing_of(m.user_id, m.study).keeps_diary]
    return {"items": [study_json(m.study) for m in open_to_me]}


@bp.get("/studies/<slug>/categories")
def categories(slug):
    study, _ = study_for_caller(slug)
    return {"items": [category_json(c) for c in queries.categories_for(study)]}
