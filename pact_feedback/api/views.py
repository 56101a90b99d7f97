"""JSON API v1: a participant's diary days and task entries, with bearer-token auth.

No cookies are read here (a signed-in browser session does not authenticate the API), so the
blueprint is exempt from CSRF. Every error is `application/problem+json` (RFC 9457), with
`errors` by field for validation problems. The rules are `diary.validation`'s, as on the web.
"""

import datetime as dt
from functools import cache
from typing import NamedTuple

from flask import Blueprint, g, jsonify, render_template, request, url_for
from limits import parse as parse_limit
from sqlalchemy import bindparam, select
from werkzeug.exceptions import HTTPException

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import STAFF_ROLE_LABELS
from pact_feedback.api import schema
from pact_feedback.api.tokens import user_id_for_token
from pact_feedback.core.errors import MESSAGES, seconds_until
from pact_feedback.core.time import today
from pact_feedback.diary import actions, queries, validation
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import csrf, db, limiter
from pact_feedback.participation.actions import (
    WITHDRAWN_MESSAGE,
    current_consent,
    is_withdrawn,
    participant_standing,
    standing_columns,
    standing_from,
)
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.studies.models import Study

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
PROBLEM_BASE = "https://pact-feedback.example/problems/"
PUBLIC_ENDPOINTS = {"api_v1.openapi", "api_v1.docs"}


API_RATE_LIMIT = parse_limit("600 per minute")  # per token (per address without one)


def _rate_key():
    header = request.headers.get("Authorization", "")
    return header[7:19] if header.startswith("Bearer ") else (request.remote_addr or "unknown")


@limiter.request_filter
def _counted_by_the_api() -> bool:
    """The API counts its own requests (_over_the_rate_limit): the same `limits` strategy and
    Redis storage as Flask-Limiter, in one call, without Flask-Limiter's per-request
    bookkeeping, which cost a diary write ~0.4 ms of CPU (docs/performance.md)."""
    return request.blueprint == bp.name


def _over_the_rate_limit():
    """None, or the 429 problem, with Retry-After, for a caller over API_RATE_LIMIT."""
    if not limiter.enabled:
        return None
    key = _rate_key()
    if limiter.limiter.hit(API_RATE_LIMIT, bp.name, key):
        return None
    reset_at = limiter.limiter.get_window_stats(API_RATE_LIMIT, bp.name, key).reset_time
    response = problem_response(
        429, "More than 600 requests a minute with one token: wait a little", kind="rate-limit"
    )
    response.headers["Retry-After"] = str(seconds_until(reset_at))
    return response


class Problem(Exception):
    def __init__(self, status: int, detail: str, *, kind: str | None = None, errors=None):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.errors = status, detail, kind, errors


def problem_response(status: int, detail: str | None = None, *, kind=None, errors=None):
    title = MESSAGES.get(status, MESSAGES[500])[0]
    body = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or MESSAGES.get(status, MESSAGES[500])[1],
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pact-feedback"'
    return response


@bp.errorhandler(Problem)
def _problem(error: Problem):
    return problem_response(error.status, error.detail, kind=error.kind, errors=error.errors)


@bp.errorhandler(HTTPException)
def _http(error: HTTPException):
    return problem_response(error.code or 500)


@bp.before_request
def _authenticate():
    refused = _over_the_rate_limit()
    if refused is not None:
        return refused
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    user_id = user_id_for_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user_id is None:
        db.session.commit()
        return problem_response(
            401,
            "Send a valid personal access token: Authorization: Bearer <token>. "
            "Create one on the API access page of your account.",
            kind="unauthorised",
        )
    g.api_user_id = user_id
    return None


class Caller(NamedTuple):
    """Who is writing, for the audit row, when nothing else about them is needed."""

    id: int


def api_user() -> User:
    """The caller (loaded when first asked: writing an entry needs only their id)."""
    return db.session.get(User, g.api_user_id)


@bp.after_request
def _commit_token_use(response):
    if db.session().in_transaction():
        db.session.commit()  # last_used_at, at most once a minute
    response.headers["Cache-Control"] = "no-store"
    return response


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise Problem(
            400, "Send a JSON object with Content-Type: application/json", kind="bad-json"
        )
    return body


def _invalid(errors: dict):
    raise Problem(422, "Some fields need changing. See errors.", kind="validation", errors=errors)


# Lookups: anything not the caller's own is "not found" -------------------------------------


def _study(slug: str, study=None):
    """The study (by slug, or as already loaded) and the caller's standing in it, which must
    be a consented, not withdrawn participant's."""
    study = study or study_by_slug(slug)
    standing = participant_standing(g.api_user_id, study) if study else None
    _require_standing(standing, "No study with that name that you take part in")
    return study, standing


def _require_standing(standing, not_found: str) -> None:
    if standing is None:
        raise Problem(404, not_found, kind="not-found")
    if not standing.consented:
        raise Problem(
            403,
            "Give your consent on the website before keeping a diary for this study",
            kind="consent-needed",
        )
    if standing.withdrawn:
        raise Problem(403, WITHDRAWN_MESSAGE, kind="withdrawn")


class DayRef(NamedTuple):
    """What writing an entry needs to know of a day: enough for the rules, without loading it."""

    id: int
    study_id: int
    status: str  # the study's, for the lock after collection
    collection_end: dt.date | None


@cache
def _day_ref_query():
    standing = standing_columns(DiaryDay.user_id, DiaryDay.study_id, Study.pis_version)
    return (
        select(DiaryDay.id, DiaryDay.study_id, Study.status, Study.collection_end, *standing)
        .join(Study, Study.id == DiaryDay.study_id)
        .where(DiaryDay.id == bindparam("day_id"), DiaryDay.user_id == bindparam("user_id"))
    )


_NEW_ENTRY_CATEGORY = (Category.id, Category.code, Category.label, Category.group, Category.active)


@cache
def _new_entry_query():
    """_day_ref_query's day and standing and, in the same round trip, what a new entry needs:
    the id of an entry already sent with this client_id (a retry, answered at once) and the
    category with this code (what the rules and the answer need of it). Core columns, not ORM
    objects: it runs for every entry the API saves."""
    return (
        _day_ref_query()
        .add_columns(TaskEntry.id, *_NEW_ENTRY_CATEGORY)
        .outerjoin(
            TaskEntry,
            (TaskEntry.day_id == DiaryDay.id) & (TaskEntry.client_id == bindparam("client_id")),
        )
        .outerjoin(
            Category,
            (Category.study_id == DiaryDay.study_id) & (Category.code == bindparam("code")),
        )
    )


def _day_ref(day_id: int) -> DayRef:
    """The caller's own day, checked with their standing in its study, in one query."""
    row = (
        db.session.connection()
        .execute(_day_ref_query(), {"day_id": day_id, "user_id": g.api_user_id})
        .first()
    )
    return _own_day(row)


def _own_day(row) -> DayRef:
    """A row of _day_ref_query (or one that starts like it) as the caller's own day."""
    not_found = "No diary day of yours with that id"
    if row is None:
        raise Problem(404, not_found, kind="not-found")
    _require_standing(standing_from(*row[4:7]), not_found)
    return DayRef(*row[:4])


def _day(day_id: int) -> DiaryDay:
    return db.session.get(DiaryDay, _day_ref(day_id).id)


def _entry(entry_id: int) -> TaskEntry:
    entry = db.session.scalar(
        db.select(TaskEntry)
        .join(DiaryDay)
        .where(TaskEntry.id == entry_id, DiaryDay.user_id == g.api_user_id)
    )
    if entry is None:
        raise Problem(404, "No task entry of yours with that id", kind="not-found")
    _study(None, entry.day.study)
    return entry


def _unlocked(study) -> None:
    """`study`: a study, or anything with its `status` and `collection_end` (a DayRef)."""
    reason = queries.day_locked(study)
    if reason:
        raise Problem(409, reason, kind="diary-locked")


# Representations ----------------------------------------------------------------------------


def study_json(study) -> dict:
    return {
        "slug": study.slug,
        "title": study.title,
        "status": study.status,
        "collection_start": schema.iso(study.collection_start),
        "collection_end": schema.iso(study.collection_end),
        "diary_days_required": study.diary_days_required,
        "locked": queries.day_locked(study) is not None,
    }


def category_json(category: Category) -> dict:
    return {
        "code": category.code,
        "label": category.label,
        "description": category.description,
        "group": category.group,
        "active": category.active,
        "position": category.position,
    }


def day_json(day: DiaryDay) -> dict:
    figures = queries.day_figures(day)
    return {
        "id": day.id,
        "study": day.study.slug,
        "date": schema.iso(day.date),
        "staff_role": day.staff_role,
        "scheduled_start": schema.hhmm(day.scheduled_start),
        "scheduled_end": schema.hhmm(day.scheduled_end),
        "sessions": day.sessions,
        "typical": day.typical,
        "workload_rating": day.workload_rating,
        "completed": day.completed_at is not None,
        "completed_at": schema.iso(day.completed_at),
        "total_minutes": figures["total"],
        "entry_count": len(day.entries),
        "locked": queries.day_locked(day.study) is not None,
        "created_at": schema.iso(day.created_at),
        "updated_at": schema.iso(day.updated_at),
    }


def entry_json(entry: TaskEntry, warnings=None) -> dict:
    body = {
        "id": entry.id,
        "day_id": entry.day_id,
        "client_id": entry.client_id,
        "category": entry.category.code,
        "category_label": entry.category.label,
        "group": entry.category.group,
        "minutes": entry.minutes,
        "started_at": schema.hhmm(entry.started_at),
        "ended_at": schema.hhmm(entry.ended_at),
        "item_count": entry.item_count,
        "outside_hours": entry.outside_hours,
        "interrupted": entry.interrupted,
        "could_be_done_by": entry.could_be_done_by,
        "note": entry.note,
        "created_at": schema.iso(entry.created_at),
        "updated_at": schema.iso(entry.updated_at),
    }
    if warnings is not None:
        body["warnings"] = warnings
    return body


# Studies and categories ---------------------------------------------------------------------


@bp.get("/studies")
def studies():
    memberships = [m for m in api_user().memberships if m.role == "participant" and m.study]
    open_to_me = [m for m in memberships if not is_withdrawn(m.user_id, m.study_id)]
    return {"items": [study_json(m.study) for m in open_to_me if current_consent(m)]}


@bp.get("/studies/<slug>/categories")
def categories(slug):
    study, _ = _study(slug)
    ensure_taxonomy(study)
    db.session.commit()
    return {"items": [category_json(c) for c in queries.categories_for(study)]}


# Days ----------------------------------------------------------------------------------------


def _day_rules(study, editing=None) -> dict:
    taken = {d.date for d in queries.days_for(study, api_user())}
    if editing is not None:
        taken.discard(editing.date)
    return {
        "start": study.collection_start,
        "end": study.collection_end,
        "today": today(),
        "staff_roles": set(STAFF_ROLE_LABELS),
        "taken_dates": taken,
    }


@bp.get("/studies/<slug>/days")
def days(slug):
    study, _ = _study(slug)
    return {"items": [day_json(d) for d in queries.days_for(study, api_user())]}


@bp.post("/studies/<slug>/days")
def create_day(slug):
    study, standing = _study(slug)
    membership = db.session.get(Membership, standing.membership_id)
    values, errors = schema.parse(_body(), schema.DAY_INPUT, required=schema.DAY_REQUIRED_ON_CREATE)
    if errors:
        _invalid(errors)
    _unlocked(study)
    complete = values.pop("completed", None)
    checked = validation.check_day(values, **_day_rules(study))
    if not checked.ok:
        _invalid(checked.errors)
    day = actions.open_day(membership, checked.values, by=api_user())
    if complete:
        actions.set_complete(day, True, by=api_user())
    response = jsonify(day_json(day))
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.day", day_id=day.id)
    return response


@bp.get("/days/<int:day_id>")
def day(day_id):
    return day_json(_day(day_id))


@bp.patch("/days/<int:day_id>")
def update_day(day_id):
    day = _day(day_id)
    values, errors = schema.parse(_body(), schema.DAY_INPUT)
    if errors:
        _invalid(errors)
    _unlocked(day.study)
    complete = values.pop("completed", None)
    current = {name: getattr(day, name) for name in actions.DAY_FIELDS}
    checked = validation.check_day(current | values, **_day_rules(day.study, editing=day))
    if not checked.ok:
        _invalid(checked.errors)
    actions.update_day(day, checked.values, by=api_user())
    if complete is not None:
        actions.set_complete(day, complete, by=api_user())
    return day_json(day)


@bp.delete("/days/<int:day_id>")
def delete_day(day_id):
    day = _day(day_id)
    _unlocked(day.study)
    actions.delete_day(day, by=api_user())
    return "", 204


# Entries -------------------------------------------------------------------------------------


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
    day = _day(day_id)
    return {"items": [entry_json(e) for e in day.entries]}


@bp.post("/days/<int:day_id>/entries")
def create_entry(day_id):
    sent = request.get_json(silent=True)
    values, errors = (
        schema.parse(sent, schema.ENTRY_INPUT, required=schema.ENTRY_REQUIRED_ON_CREATE)
        if sent is not None
        else ({}, {})
    )
    # One query: the day (not the caller's: 404 before anything about the body), a retry's
    # entry and the category. Parsed values only: a string or None, the client_id canonical.
    row = (
        db.session.connection()
        .execute(
            _new_entry_query(),
            {
                "day_id": day_id,
                "user_id": g.api_user_id,
                "client_id": values.get("client_id"),
                "code": values.get("category"),
            },
        )
        .first()
    )
    day = _own_day(row)
    body = _body()
    if errors:
        _invalid(errors)
    fingerprint = actions.request_fingerprint(body)
    client_id = values.pop("client_id")
    sent_before, category_id, code, label, group, active = row[-6:]
    if sent_before is not None:
        return _replay(db.session.get(TaskEntry, sent_before), fingerprint)
    _unlocked(day)
    category = actions.CategoryRef(category_id, code, label, group, active) if category_id else None
    _set_category(values, category, errors)
    if errors:
        _invalid(errors)
    actions.claim_day(day)
    checked = validation.check_entry(
        values,
        allowed_category_ids=g.get("active_category_ids", set()),
        others=queries.entries_to_check_new_entry_against(day),
    )
    if not checked.ok:
        _invalid(_rule_errors(checked.errors))
    entry, created = actions.add_entry(
        day,
        checked.values,
        by=Caller(g.api_user_id),
        client_id=client_id,
        fingerprint=fingerprint,
        claimed=True,
        looked_up=True,
        commit=False,
        category=g.category,
    )
    if not created:  # a concurrent retry won the race
        return _replay(entry, fingerprint)
    # Commit first: on SQLite the write lock is held until then, and every other writer waits
    # for it. The answer is built afterwards from the row as written (no reload).
    db.session.commit()
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
    return entry_json(_entry(entry_id))


@bp.patch("/entries/<int:entry_id>")
def update_entry(entry_id):
    entry = _entry(entry_id)
    body = _body()
    values, errors = schema.parse(body, schema.ENTRY_INPUT)
    if "client_id" in values:
        errors.setdefault("client_id", []).append("The client_id of an entry cannot change")
    values = _entry_values(entry.day.study_id, values, errors)
    if errors:
        _invalid(errors)
    _unlocked(entry.day.study)
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
        _invalid(_rule_errors(checked.errors))
    actions.update_entry(entry, checked.values, by=api_user())
    return entry_json(entry, checked.warnings)


@bp.delete("/entries/<int:entry_id>")
def delete_entry(entry_id):
    entry = _entry(entry_id)
    _unlocked(entry.day.study)
    actions.delete_entry(entry, by=api_user())
    return "", 204


# The description ----------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    from pact_feedback.api.openapi import document

    return jsonify(document())


@bp.get("/docs")
def docs():
    from pact_feedback.api.openapi import document

    return render_template("diary/api_docs.html", doc=document())


from pact_feedback.api import uptake  # noqa: E402,F401  (its route joins this blueprint)
