"""U+0000 cannot be stored in a PostgreSQL text column (psycopg raises DataError: a 500). No
person types it, so any request carrying one, in a form field, the query string, the path or a
JSON string, is refused with 400 before it reaches a handler, and nothing is written."""

from sqlalchemy import func, select

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.api.tokens import create_token
from pact_feedback.extensions import db
from pact_feedback.qi.models import QIProject
from tests.conftest import csrf_token, login, make_practice, make_study, make_user, page


def test_a_form_field_with_a_nul_byte_is_refused(client):
    practice = make_practice()
    login(client, make_user(role=PRACTICE_LEAD, practice=practice))
    url = f"/practices/{practice.ods_code}/qi/new"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "title": "a\x00b", "aim_what": "x"})
    assert response.status_code == 400
    assert "There is a problem with your request" in page(response).get_text()
    assert db.session.scalar(select(func.count()).select_from(QIProject)) == 0
    # The same form without the NUL byte goes through.
    response = client.post(url, data={"csrf_token": token, "title": "ab", "aim_what": "x"})
    assert response.status_code == 302


def test_query_strings_and_paths_with_nul_bytes_are_refused(client):
    assert client.get("/account/sign-in?next=%2F%00").status_code == 400
    assert client.get("/take-part/a%00b").status_code == 400
    assert client.get("/account/sign-in?next=%2F").status_code == 200


def test_json_with_a_nul_byte_is_a_problem_response(client):
    practice = make_practice()
    study = make_study(practices=[practice], status="collecting")
    user = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    _, secret = create_token(user, "phone", by=user)
    response = client.post(
        f"/api/v1/studies/{study.slug}/days",
        json={"date": "2026-01-01", "note": "a\u0000b"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 400


def test_an_uploaded_file_with_a_nul_byte_is_refused_next_to_the_field(client):
    """Uploads are read by core.inputs.read_text_file (which knows UTF-16 is full of NUL
    bytes), so a NUL in a UTF-8 file is refused there, with a sentence on the field."""
    from pact_feedback.accounts.roles import STUDY_TEAM
    from pact_feedback.practices.models import Practice
    from tests.practices.test_import import GOOD, _csv, _upload

    login(client, make_user(role=STUDY_TEAM))
    response = _upload(client, _csv(GOOD[0].replace("Riverside", "River\x00side")).encode())
    assert response.status_code == 422
    assert "holds a NUL character" in page(response).select_one("#csv_file-error").get_text()
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 0
    assert _upload(client, _csv(GOOD[0]).encode()).status_code == 302  # the clean file imports
