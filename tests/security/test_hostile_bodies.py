"""Bodies no person sends, to every route the app serves (from its url_map), signed in and not:
JSON nested 400 levels deep (a RecursionError once, on any URL, before sign-in) and JSON text
holding a lone surrogate (a UnicodeEncodeError once, on diary entries). The edge
(core.security) refuses both with one 400 before any hook or view runs, so no route can answer
5xx to them, however it reads its body."""

from uuid import uuid4

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.api.tokens import create_token
from pact_feedback.core.inputs import MAX_JSON_DEPTH, UnreadableInput, loads_json
from pact_feedback.diary.models import TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from tests.conftest import csrf_token, login, make_practice, make_study, make_user
from tests.diary.conftest import make_day
from tests.security._world import routes, url

NESTED_ARRAYS = b"[" * 400 + b"]" * 400  # 800 bytes
NESTED_OBJECTS = b'{"a":' * 400 + b"1" + b"}" * 400
NESTED_NOTE = b'{"category": "B1", "minutes": 5, "note": ' + NESTED_ARRAYS + b"}"
SURROGATES = (
    b'{"date": "2026-01-01", "category": "\\udfff", "minutes": 5, "note": "\\ud800",'
    b' "\\ud800": "key", "client_id": "\\ud83d"}'
)
PAYLOADS = {
    "nested arrays": NESTED_ARRAYS,
    "nested objects": NESTED_OBJECTS,
    "nested note": NESTED_NOTE,
    "lone surrogates": SURROGATES,
}
ALL_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_json_nesting_and_text_are_checked_before_use():
    """The limit sits at MAX_JSON_DEPTH: one level more is refused, brackets in strings do not
    count, and lone surrogates are refused wherever they are (keys too)."""
    at_limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert loads_json(at_limit) is not None
    with pytest.raises(UnreadableInput, match="32 levels"):
        loads_json(b"[" + at_limit + b"]")
    assert loads_json(b'{"note": "' + b"[" * 500 + b'"}') == {"note": "[" * 500}
    for bad in (b'"\\ud800"', b'{"\\udc00": 1}', b'[["ok", "\\udbff"]]'):
        with pytest.raises(UnreadableInput, match="not valid Unicode"):
            loads_json(bad)
    assert loads_json(b'"\\ud83d\\ude00"') == "\U0001f600"  # a pair is one character


@pytest.mark.parametrize("who", ["anonymous", "participant", "team", "api token"])
def test_no_route_answers_5xx_to_hostile_json(app, client, world, who):
    """Every route and method, with each payload as application/json: 400 every time, a
    problem+json naming the fault on the API, and never a server error."""
    users, values = world
    headers = {}
    if who == "api token":
        _, secret = create_token(users["participant"], "phone", by=users["participant"])
        headers["Authorization"] = f"Bearer {secret}"
    elif who != "anonymous":
        login(client, users[who])
    targets = routes(app, ALL_METHODS)
    assert len(targets) > 100  # the whole app, not a sample
    wrong = {}
    for endpoint, method in targets:
        path = url(app, endpoint, values)
        for name, body in PAYLOADS.items():
            response = client.open(
                path, method=method, data=body, content_type="application/json", headers=headers
            )
            if response.status_code != 400:
                wrong[f"{method} {endpoint} ({name})"] = response.status_code
            elif path.startswith("/api/"):
                assert response.mimetype == "application/problem+json", path
                detail = response.get_json()["detail"]
                assert "32 levels" in detail or "not valid Unicode" in detail, detail
    assert wrong == {}


def test_a_lone_surrogate_in_an_entry_is_a_400_and_writes_nothing(client):
    """Entry POST and PATCH with "\\ud800" in the note or the category: 400 problem, no row."""
    practice = make_practice()
    study = make_study(practices=[practice], status="collecting")
    ensure_taxonomy(study)
    user = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    _, secret = create_token(user, "phone", by=user)
    auth = {"Authorization": f"Bearer {secret}"}
    day = make_day(user, study, practice, on=study.collection_start)
    entries = f"/api/v1/days/{day.id}/entries"
    for field in ("note", "category"):
        body = '{"category": "B1", "minutes": 5, "client_id": "%s", "%s": "\\ud800"}'
        body = body.replace("%s", str(uuid4()), 1).replace("%s", field)
        response = client.post(entries, data=body, content_type="application/json", headers=auth)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "not valid Unicode" in response.get_json()["detail"]
    assert db.session.scalar(select(func.count()).select_from(TaskEntry)) == 0
    made = client.post(
        entries, json={"category": "B1", "minutes": 5, "client_id": str(uuid4())}, headers=auth
    )
    assert made.status_code == 201, made.get_json()
    patch = client.patch(
        f"/api/v1/entries/{made.get_json()['id']}",
        data='{"note": "\\udc80"}',
        content_type="application/json",
        headers=auth,
    )
    assert patch.status_code == 400
    assert db.session.get(TaskEntry, made.get_json()["id"]).note in (None, "")


def test_a_surrogate_sent_through_a_form_is_not_a_server_error(client):
    """Browsers cannot send a lone surrogate in a form (its UTF-8 bytes are invalid and decode
    to U+FFFD), so a form that carries its bytes gets the form's own answer, never a 500."""
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data=f"csrf_token={token}&current_password=%ED%A0%80&password=%ED%A0%80x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500
