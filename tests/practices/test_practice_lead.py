"""A practice lead follows participation as counts and invites colleagues."""

from sqlalchemy import select

from pact_feedback.accounts.models import Invitation
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.extensions import db
from tests.conftest import login, make_practice, make_study, make_user, page, submit


def _summary(response) -> dict[str, str]:
    rows = page(response).select(".nhsuk-summary-list__row")
    return {
        r.select_one("dt").get_text(strip=True): r.select_one("dd").get_text(strip=True)
        for r in rows
    }


def test_lead_sees_counts_but_no_names(client):
    practice = make_practice()
    study = make_study(practices=[practice])
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    make_user("asha@example.org", role=PARTICIPANT, practice=practice, study=study, consented=True)
    make_user("ben@example.org", role=PARTICIPANT, practice=practice, study=study)
    login(client, lead)
    response = client.get(f"/practices/{practice.ods_code}")
    counts = _summary(response)
    # One small-number rule on every page, under the footnote that states it (issue 20).
    assert counts["Joined"] == "<8"
    assert counts["Consented"] == "<8"
    note = page(response).select_one(".pact-small-numbers").text
    assert "counts under 8 are shown as “<8”" in note
    text = response.get_data(as_text=True)
    assert "asha@example.org" not in text and "ben@example.org" not in text


def test_lead_invites_a_colleague_and_sees_the_pending_count(client, outbox):
    practice = make_practice()
    study = make_study(practices=[practice])
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    login(client, lead)
    url = f"/practices/{practice.ods_code}/studies/{study.slug}/invite"
    response = submit(client, url, {"name": "Dr Lee", "email": "lee@example.org"})
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.role, invitation.study_id, invitation.practice_id) == (
        PARTICIPANT,
        study.id,
        practice.id,
    )
    assert outbox[0].to == ["lee@example.org"]
    # Counts follow the one small-number rule: one pending invitation shows as "<8" (0 before).
    counts = _summary(client.get(f"/practices/{practice.ods_code}"))
    assert counts["Invited, not yet joined"] == "<8"


def test_invitations_close_once_collection_is_over(client):
    practice = make_practice()
    study = make_study(practices=[practice], status="analysing")
    login(client, make_user(role=PRACTICE_LEAD, practice=practice))
    response = client.get(f"/practices/{practice.ods_code}/studies/{study.slug}/invite")
    assert response.status_code == 409
    assert "closed" in response.get_data(as_text=True)


def test_lead_cannot_invite_into_a_study_the_practice_is_not_in(client):
    practice = make_practice()
    other_study = make_study()
    login(client, make_user(role=PRACTICE_LEAD, practice=practice))
    url = f"/practices/{practice.ods_code}/studies/{other_study.slug}/invite"
    assert client.get(url).status_code == 404
