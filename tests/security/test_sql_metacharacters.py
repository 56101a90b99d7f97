"""SQL metacharacters are data, never code: sign-in, a study's free text, a QI project and the
audit log's filters all take quotes, comments, wildcards and statement separators literally."""

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.roles import PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.qi.models import QIProject
from pact_feedback.studies.models import Study
from tests.conftest import login, make_practice, make_user, page, submit

PAYLOADS = [
    "' OR '1'='1' --",
    "Robert'); DROP TABLE studies;--",
    '" OR ""="',
    "100% _match_ \\ back\\slash",
    "1; SELECT pg_sleep(5); /* */ UNION SELECT password_hash FROM users",
]


@pytest.mark.parametrize("value", PAYLOADS)
def test_sign_in_with_metacharacters_is_simply_wrong(client, value):
    make_user("real@example.org")
    response = submit(client, "/account/sign-in", {"email": value, "password": value})
    assert response.status_code == 422
    response = submit(client, "/account/sign-in", {"email": "real@example.org", "password": value})
    assert response.status_code == 422
    assert client.get("/").status_code == 302  # nobody is signed in


@pytest.mark.parametrize("n,value", list(enumerate(PAYLOADS)))
def test_study_text_is_stored_and_shown_exactly(client, n, value):
    login(client, make_user(role=STUDY_TEAM))
    response = submit(
        client,
        "/studies/new",
        {
            "title": value,
            "slug": f"sql-{n}",
            "description": value,
            "round": "1",
            "pis_version": "1.0",
        },
    )
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:300]
    study = db.session.scalar(select(Study).filter_by(slug=f"sql-{n}"))
    assert (study.title, study.description) == (value, value)
    assert db.session.scalar(select(func.count()).select_from(Study)) == 1
    detail = client.get(response.headers["Location"])
    assert value in page(detail).get_text()


@pytest.mark.parametrize("value", PAYLOADS)
def test_qi_project_text_is_stored_exactly(client, value):
    practice = make_practice()
    login(client, make_user(role=PRACTICE_LEAD, practice=practice))
    url = f"/practices/{practice.ods_code}/qi/new"
    response = submit(client, url, {"title": value[:200], "aim_what": value})
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:300]
    project = db.session.scalar(select(QIProject))
    assert (project.title, project.aim_what) == (value[:200], value)


@pytest.mark.parametrize("value", PAYLOADS)
def test_audit_filters_match_literally(client, value):
    """A filter value that would widen a concatenated query finds nothing here."""
    login(client, make_user(role=STUDY_TEAM))
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1
    response = client.get("/audit/", query_string={"action": value, "actor": value})
    assert response.status_code in (200, 422)
    assert "No events." in page(response).get_text()
    # ...while the same filter with a real action finds the sign-in.
    found = client.get("/audit/", query_string={"action": "sign_in"})
    assert "No events." not in page(found).get_text()
