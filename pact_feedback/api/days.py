"""A participant's diary days."""

from flask import jsonify, url_for

from pact_feedback.accounts.models import Membership
from pact_feedback.api import schema
from pact_feedback.api.auth import api_user
from pact_feedback.api.blueprint import bp
from pact_feedback.api.errors import invalid, json_body
from pact_feedback.api.lookups import (
    caller_day,
    require_unlocked,
    study_for_caller,
)
from pact_feedback.api.serialisers import day_json
from pact_feedback.diary import actions, queries, validation
from pact_feedback.extensions import db


@bp.get("/studies/<slug>/days")
def days(slug):
    study, _ = study_for_caller(slug)
    return {"items": [day_json(d) for d in queries.days_for(study, api_user())]}


@bp.post("/studies/<slug>/days")
def create_day(slug):
    study, standing = study_for_caller(slug)
    membership = db.session.get(Membership, standing.membership_id)
    values, errors = schema.parse(
        json_body(), schema.DAY_INPUT, required=schema.DAY_REQUIRED_ON_CREATE
    )
    if errors:
        invalid(errors)
    require_unlocked(study)
    complete = values.pop("completed", None)
    checked = validation.check_day(values, **queries.day_rules(study, api_user()))
    if not checked.ok:
        invalid(checked.errors)
    day = actions.open_day(membership, checked.values, by=api_user())
    if complete:
        actions.set_complete(day, True, by=api_user())
    response = jsonify(day_json(day))
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.day", day_id=day.id)
    return response


@bp.get("/days/<int:day_id>")
def day(day_id):
    return day_json(caller_day(day_id))


@bp.patch("/days/<int:day_id>")
def update_day(day_id):
    day = caller_day(day_id)
    values, errors = schema.parse(json_body(), schema.DAY_INPUT)
    if errors:
        invalid(errors)
    require_unlocked(day.study)
    complete = values.pop("completed", None)
    current = {name: getattr(day, name) for name in actions.DAY_FIELDS}
    rules = queries.day_rules(day.study, api_user(), editing=day)
    checked = validation.check_day(current | values, **rules)
    if not checked.ok:
        invalid(checked.errors)
    actions.update_day(day, checked.values, by=api_user())
    if complete is not None:
        actions.set_complete(day, complete, by=api_user())
    return day_json(day)


@bp.delete("/days/<int:day_id>")
def delete_day(day_id):
    day = caller_day(day_id)
    require_unlocked(day.study)
    actions.delete_day(day, by=api_user())
    return "", 204
