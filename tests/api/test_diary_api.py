"""The JSON API: bearer tokens, CRUD on days and entries, retry-safe creates, problem details.
Every response is checked against the served OpenAPI document."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pact_feedback.api.models import ApiToken
from pact_feedback.api.tokens import create_token, revoke_token
from pact_feedback.diary.models import DiaryDay, TaskEntry
from pact_feedback.extensions import db
from tests.conftest import login, page, submit
from tests.diary.conftest import make_day
from tests.diary.schema_check import check_response, problems


@pytest.fixture
def api(app, client, diary):
    document = client.get("/api/v1/openapi.json").get_json()
    _, secret = create_token(diary.me, "phone", by=diary.me)

    class Api:
        doc = document

        def __init__(self, secret):
            self.headers = {"Authorization": f"Bearer {secret}"}

        def call(self, method, path, template, json=None, headers=None):
            response = client.open(
                "/api/v1" + path,
                method=method,
                json=json,
                headers=self.headers if headers is None else headers,
            )
            check_response(document, template, method, response)
            return response

    return Api(secret)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _entries_url(day):
    return f"/days/{day.id}/entries"


def test_the_document_is_openapi_3_1_with_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    served = {
        (
            rule.rule.removeprefix("/api/v1")
            .replace("<slug>", "{slug}")
            .replace("<int:day_id>", "{day_id}")
            .replace("<int:entry_id>", "{entry_id}"),
            method,
        )
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_v1.")
        and rule.endpoint not in ("api_v1.openapi", "api_v1.docs")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {
        (path, method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert served == described
    assert (
        "Retry-safe" in page(client.get("/api/v1/docs")).get_text()
        or "retry-safe" in page(client.get("/api/v1/docs")).get_text()
    )


def test_no_token_bad_token_revoked_token_and_cookies_are_401(app, client, diary, api):
    assert api.call("GET", "/studies", "/studies", headers={}).status_code == 401
    bad = api.call("GET", "/studies", "/studies", headers={"Authorization": "Bearer pact_nope"})
    assert bad.status_code == 401 and bad.mimetype == "application/problem+json"
    assert bad.headers["WWW-Authenticate"].startswith("Bearer")
    login(client, diary.me)  # a browser session is not an API credential
    assert api.call("GET", "/studies", "/studies", headers={}).status_code == 401
    token = db.session.scalar(select(ApiToken))
    revoke_token(token, by=diary.me)
    assert api.call("GET", "/studies", "/studies").status_code == 401


def test_tokens_are_stored_hashed(diary):
    token, secret = create_token(diary.me, "laptop", by=diary.me)
    assert secret not in (token.token_hash, token.prefix) and token.prefix == secret[:12]
    assert len(token.token_hash) == 64


def test_studies_categories_and_days(diary, api):
    studies = api.call("GET", "/studies", "/studies").get_json()["items"]
    assert [s["slug"] for s in studies] == [diary.study.slug]
    slug = diary.study.slug
    cats = api.call("GET", f"/studies/{slug}/categories", "/studies/{slug}/categories")
    assert [c["code"] for c in cats.get_json()["items"]][:3] == ["A1", "A2", "A3"]
    created = api.call(
        "POST",
        f"/studies/{slug}/days",
        "/studies/{slug}/days",
        json={
            "date": date.today().isoformat(),
            "staff_role": "gp_partner",
            "scheduled_start": "08:00",
            "scheduled_end": "18:00",
            "typical": True,
        },
    )
    assert created.status_code == 201
    day_id = created.get_json()["id"]
    assert created.headers["Location"].endswith(f"/api/v1/days/{day_id}")
    listed = api.call("GET", f"/studies/{slug}/days", "/studies/{slug}/days").get_json()["items"]
    assert [d["id"] for d in listed] == [day_id]
    changed = api.call(
        "PATCH", f"/days/{day_id}", "/days/{day_id}", json={"workload_rating": 9, "completed": True}
    )
    assert changed.get_json()["workload_rating"] == 9 and changed.get_json()["completed"]
    future = api.call(
        "POST",
        f"/studies/{slug}/days",
        "/studies/{slug}/days",
        json={"date": (date.today() + timedelta(days=1)).isoformat(), "staff_role": "gp_partner"},
    )
    assert future.status_code == 422
    assert "future" in future.get_json()["errors"]["date"][0]
    assert api.call("DELETE", f"/days/{day_id}", "/days/{day_id}").status_code == 204
    assert _count(DiaryDay) == 0


def test_entry_create_is_retry_safe(diary, api):
    day = make_day(diary.me, diary.study, diary.practice)
    body = {"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5, "item_count": 12}
    first = api.call("POST", _entries_url(day), "/days/{day_id}/entries", json=body)
    assert first.status_code == 201
    again = api.call("POST", _entries_url(day), "/days/{day_id}/entries", json=body)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _count(TaskEntry) == 1
    different = api.call(
        "POST", _entries_url(day), "/days/{day_id}/entries", json=body | {"minutes": 10}
    )
    assert different.status_code == 409
    assert different.get_json()["type"].endswith("client-id-reused")
    assert _count(TaskEntry) == 1


def test_entry_errors_are_problems_with_fields(diary, api):
    day = make_day(diary.me, diary.study, diary.practice)
    url, template = _entries_url(day), "/days/{day_id}/entries"
    response = api.call(
        "POST",
        url,
        template,
        json={"client_id": "not-a-uuid", "category": "Z9", "minutes": "five", "colour": "red"},
    )
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert set(errors) == {"client_id", "minutes", "colour"}
    response = api.call(
        "POST", url, template, json={"client_id": str(uuid.uuid4()), "category": "Z9", "minutes": 5}
    )
    assert response.get_json()["errors"] == {"category": ["No task category with that code"]}
    response = api.call(
        "POST",
        url,
        template,
        json={
            "client_id": str(uuid.uuid4()),
            "category": "B1",
            "minutes": 900,
            "note": "dob 01/02/1950",
        },
    )
    errors = response.get_json()["errors"]
    assert "from 1 to 720" in errors["minutes"][0] and "date of birth" in errors["note"][0]
    bad_json = api.call(
        "POST", url, template, json=None, headers=api.headers | {"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert _count(TaskEntry) == 0


def test_entry_update_delete_and_overlap_warning(diary, api):
    day = make_day(diary.me, diary.study, diary.practice)
    url, template = _entries_url(day), "/days/{day_id}/entries"
    first = api.call(
        "POST",
        url,
        template,
        json={
            "client_id": str(uuid.uuid4()),
            "category": "A1",
            "started_at": "09:00",
            "ended_at": "09:30",
        },
    ).get_json()
    second = api.call(
        "POST",
        url,
        template,
        json={
            "client_id": str(uuid.uuid4()),
            "category": "B1",
            "started_at": "09:20",
            "minutes": 20,
        },
    ).get_json()
    assert second["ended_at"] == "09:40" and second["minutes"] == 20
    assert "overlaps Booked consultation" in second["warnings"][0]
    changed = api.call(
        "PATCH", f"/entries/{first['id']}", "/entries/{entry_id}", json={"minutes": 10}
    ).get_json()
    assert (changed["started_at"], changed["ended_at"], changed["minutes"]) == (
        "09:00",
        "09:10",
        10,
    )
    listed = api.call("GET", url, template).get_json()["items"]
    assert [e["id"] for e in listed] == [first["id"], second["id"]]
    assert api.call("DELETE", f"/entries/{first['id']}", "/entries/{entry_id}").status_code == 204
    assert api.call("GET", f"/entries/{first['id']}", "/entries/{entry_id}").status_code == 404


def test_another_participants_day_is_not_found(diary, api):
    theirs = make_day(diary.colleague, diary.study, diary.practice, entries=[("B1", 10)])
    entry = theirs.entries[0]
    assert api.call("GET", f"/days/{theirs.id}", "/days/{day_id}").status_code == 404
    assert api.call("GET", f"/entries/{entry.id}", "/entries/{entry_id}").status_code == 404
    response = api.call(
        "POST",
        _entries_url(theirs),
        "/days/{day_id}/entries",
        json={"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5},
    )
    assert response.status_code == 404
    assert api.call("DELETE", f"/entries/{entry.id}", "/entries/{entry_id}").status_code == 404
    assert _count(TaskEntry) == 1


def test_locked_diary_refuses_writes_with_409(diary, api):
    day = make_day(diary.me, diary.study, diary.practice)
    diary.study.status = "analysing"
    db.session.commit()
    response = api.call(
        "POST",
        _entries_url(day),
        "/days/{day_id}/entries",
        json={"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5},
    )
    assert response.status_code == 409 and "read-only" in response.get_json()["detail"]
    assert api.call("GET", f"/days/{day.id}", "/days/{day_id}").get_json()["locked"] is True


def test_unconsented_participant_is_forbidden(diary, api):
    from pact_feedback.accounts.models import Consent

    db.session.execute(db.delete(Consent).filter_by(user_id=diary.me.id))
    db.session.commit()
    slug = diary.study.slug
    response = api.call("GET", f"/studies/{slug}/days", "/studies/{slug}/days")
    assert response.status_code == 403


def test_token_page_creates_shows_once_and_revokes(client, diary):
    login(client, diary.me)
    response = submit(client, "/account/api-tokens/", {"name": "My phone"})
    secret = page(response).find(id="new-token").get_text()
    assert secret.startswith("pact_")
    assert secret not in client.get("/account/api-tokens/").get_data(as_text=True)
    token = db.session.scalar(select(ApiToken))
    submit(client, f"/account/api-tokens/{token.id}/revoke", {}, form_url="/account/api-tokens/")
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_schema_checker_catches_mistakes():
    doc = {"components": {"schemas": {}}}
    schema = {
        "type": "object",
        "required": ["a"],
        "additionalProperties": False,
        "properties": {"a": {"type": ["integer", "null"], "minimum": 1}},
    }
    assert problems({"a": 1}, schema, doc) == []
    assert problems({"a": 0}, schema, doc) and problems({"b": 1}, schema, doc)
    assert problems({"a": "1"}, schema, doc) and problems({}, schema, doc)


def test_more_than_600_a_minute_with_one_token_is_a_429_problem_with_retry_after(diary, api):
    answers = [api.call("GET", "/studies", "/studies") for _ in range(601)]
    assert {a.status_code for a in answers[:600]} == {200}
    assert not any(k.startswith("X-RateLimit") for k, _ in answers[0].headers)
    refused = answers[600]
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    _, other = create_token(diary.me, "tablet", by=diary.me)  # the limit is per token
    again = api.call("GET", "/studies", "/studies", headers={"Authorization": f"Bearer {other}"})
    assert again.status_code == 200
