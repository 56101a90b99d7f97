"""Task entries: retry-safe creation (a client_id makes a retry a replay), edit, delete."""

from flask import g, jsonify, request, url_for
from sqlalchemy import bindparam, select

from pact_feedback.api import schema
from pact_feedback.api.auth import Caller, accept_caller, api_user
from pact_feedback.api.blueprint import bp
from pact_feedback.api.errors import Problem, invalid, json_body
from pact_feedback.api.lookups import (
    NewEntryRow,
    caller_day,
    caller_entry,
    new_entry_query,
    own_day,
    require_unlocked,
)
from pact_feedback.api.serialisers import entry_json
from pact_feedback.core.sqlite import sync_committed_writes
from pact_feedback.diary import actions, queries, validation
from pact_feedback.diary.models import Category, TaskEntry
from pact_feedback.extensions import db


def _entry_values(study_id: int, values: dict, errors: dict) -> dict:
    """Turn the category code into its id (unknown codes are field errors)."""
    if "category" in values:
        code = values["category"]
        category = db.session.scalar(_CATEGORY_BY_CODE, {"study_id": study_id, "code": code})
        _set_category(values, category, errors)
    return values


def _set_category(values: dict, category, errors: dict) -> None:
    """Replace the category code in `values` by the id of `category`, the study's category
    with that code (a Category or a CategoryRef; None: there is none)."""
    code = values.pop("category")
    if category is None and code is not None:
        errors.setdefault("category", []).append("No task category with that code")
    values["category_id"] = category.id if category else None
    g.active_category_ids = {category.id} if category and category.active else set()
    g.category = category  # what the new entry's answer shows of it


_CATEGORY_BY_CODE = select(Category).where(
    Category.study_id == bindparam("study_id"), Category.code == bindparam("code")
)


def _rule_errors(errors: dict) -> dict:
    """Rule errors use the form's field names; the API calls category_id `category`."""
    return {("category" if k == "category_id" else k): v for k, v in errors.items()}


@bp.get("/days/<int:day_id>/entries")
def entries(day_id):
    day = caller_day(day_id)
    return {"items": [entry_json(e) for e in day.entries]}


@bp.post("/days/<int:day_id>/entries")
def create_entry(day_id):
    sent = request.get_json(silent=True)
    values, errors = (
        schema.parse(sent, schema.ENTRY_INPUT, required=schema.ENTRY_REQUIRED_ON_CREATE)
        if sent is not None
        else ({}, {})
    )
    # One statement: the caller's token (the 401 is authenticate's), the day (not the
    # caller's: 404 before anything about the body), a retry's entry and the category. Parsed
    # values only: a string or None, the client_id canonical.
    row = NewEntryRow.of(
        db.session.connection()
        .execute(
            new_entry_query(),
            g.api_token_key
            | {
                "day_id": day_id,
                "client_id": values.get("client_id"),
                "code": values.get("category"),
            },
        )
        .first()
    )
    accept_caller(row and row.token)
    day = own_day(row.day)
    json_body()  # 400 for a body that is not a JSON object
    if errors:
        invalid(errors)
    fingerprint = actions.request_fingerprint(schema.canonical_entry(values))
    client_id = values.pop("client_id")
    if row.sent_before is not None:
        sync_committed_writes()  # the first try may still be syncing what it committed
        return _replay(db.session.get(TaskEntry, row.sent_before), fingerprint)
    require_unlocked(day)
    category = actions.CategoryRef(*row.category) if row.category[0] is not None else None
    _set_category(values, category, errors)
    if errors:
        invalid(errors)
    result = actions.create_entry(
        day=day,
        by=Caller(g.api_user_id),
        values=values,
        allowed_category_ids=g.get("active_category_ids", set()),
        client_id=client_id,
        fingerprint=fingerprint,
        sent_before=None,  # the query above found none
        category=g.category,
        day_held=True,  # new_entry_query locks the day on PostgreSQL
    )
    if result.outcome == "refused":
        invalid(_rule_errors(result.checked.errors))
    if result.outcome == "locked":
        raise Problem(409, result.reason, kind="diary-locked")
    if result.outcome == "replayed":  # a concurrent retry won the race
        return _replay(result.entry, fingerprint)
    entry, checked = result.entry, result.checked
    response = jsonify(entry_json(entry, checked.warnings))
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.entry", entry_id=entry.id)
    return response


def _replay(entry: TaskEntry, fingerprint: str):
    if entry.request_hash and entry.request_hash != fingerprint:
        raise Problem(
            409,
            "This client_id was already used for a different entry. Use a new UUID for a new "
            "entry, or PATCH the existing one to change it.",
            kind="client-id-reused",
        )
    response = jsonify(entry_json(entry, []))
    response.headers["Location"] = url_for("api_v1.entry", entry_id=entry.id)
    response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.get("/entries/<int:entry_id>")
def entry(entry_id):
    return entry_json(caller_entry(entry_id))


@bp.patch("/entries/<int:entry_id>")
def update_entry(entry_id):
    entry = caller_entry(entry_id)
    body = json_body()
    values, errors = schema.parse(body, schema.ENTRY_INPUT)
    if "client_id" in values:
        errors.setdefault("client_id", []).append("The client_id of an entry cannot change")
    values = _entry_values(entry.day.study_id, values, errors)
    if errors:
        invalid(errors)
    require_unlocked(entry.day.study)
    merged = actions.copy_values(entry) | values
    if "minutes" in body and "ended_at" not in body:
        merged["ended_at"] = None  # new minutes move the end, not the start
    if ("started_at" in body or "ended_at" in body) and "minutes" not in body:
        merged["minutes"] = None if merged.get("ended_at") else entry.minutes
    allowed = {c.id for c in queries.categories_for(entry.day.study)} | {entry.category_id}
    checked = validation.check_entry(
        merged,
        allowed_category_ids=allowed,
        others=queries.timed_entries(entry.day),
        editing_id=entry.id,
    )
    if not checked.ok:
        invalid(_rule_errors(checked.errors))
    actions.update_entry(entry, checked.values, by=api_user())
    return entry_json(entry, checked.warnings)


@bp.delete("/entries/<int:entry_id>")
def delete_entry(entry_id):
    entry = caller_entry(entry_id)
    require_unlocked(entry.day.study)
    actions.delete_entry(entry, by=api_user())
    return "", 204
