"""`GET /api/v1/studies/<slug>/uptake`: the published figures as JSON, for study-team tokens."""

import pytest
from sqlalchemy import select

from pact_feedback.accounts.models import User
from pact_feedback.api.tokens import create_token
from pact_feedback.demo import seed
from pact_feedback.extensions import db
from tests.conftest import PASSWORD


def _token(email):
    user = db.session.scalar(select(User).filter_by(email=email))
    _, secret = create_token(user, "analysis", by=user)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def demo(ctx):
    seed(PASSWORD)


def test_team_token_gets_the_published_why_test_figures(client, demo):
    response = client.get(
        "/api/v1/studies/why-test/uptake?wave=1", headers=_token("study.team@pact.example")
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["study"], body["wave"], body["n_sent"], body["n_responded"]) == (
        "why-test",
        1,
        57,  # 57 practices sent a report (the record audit, issue 21), as published
        36,
    )
    discussed = body["questions"]["discussed"]
    assert discussed["yes"] == {"n": 21, "percent": 58.3, "ci_low": 42.2, "ci_high": 72.9}
    assert discussed["planning"]["n"] == 14 and discussed["planning"]["percent"] == 38.9
    assert body["questions"]["used_for_qi"]["yes"]["n"] == 18
    assert body["questions"]["used_for_qi"]["planning"]["percent"] == 44.4


def test_other_tokens_and_unknown_waves_get_not_found_problems(client, demo):
    lead = _token("lead.1@practice.example")
    response = client.get("/api/v1/studies/why-test/uptake", headers=lead)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"

    team = _token("study.team@pact.example")
    assert client.get("/api/v1/studies/why-test/uptake?wave=9", headers=team).status_code == 404
    assert client.get("/api/v1/studies/no-such/uptake", headers=team).status_code == 404
    assert client.get("/api/v1/studies/why-test/uptake").status_code == 401
