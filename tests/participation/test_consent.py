"""A participant gives consent (recording the information sheet version) and a staff role."""

from sqlalchemy import select

from pact_feedback.accounts.models import Consent, Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.extensions import db
from tests.conftest import error_messages, login, make_practice, make_study, make_user, submit


def _participant(client, **study_fields):
    practice = make_practice()
    study = make_study(practices=[practice], pis_version="3.2", **study_fields)
    user = make_user(role=PARTICIPANT, practice=practice, study=study)
    login(client, user)
    return user, study


def test_consent_records_version_and_role_then_opens_the_study(client):
    user, study = _participant(client)
    response = submit(
        client, f"/take-part/{study.slug}/consent", {"staff_role": "gp_registrar", "agree": "y"}
    )
    assert response.headers["Location"] == f"/take-part/{study.slug}"
    consent = db.session.scalar(select(Consent))
    assert (consent.user_id, consent.pis_version) == (user.id, "3.2")
    membership = db.session.scalar(select(Membership).filter_by(user_id=user.id))
    assert membership.staff_role == "gp_registrar"
    page_text = client.get(f"/take-part/{study.slug}").get_data(as_text=True)
    assert "GP registrar" in page_text and "version 3.2" in page_text


def test_consent_form_needs_a_role_and_the_tick(client):
    _, study = _participant(client)
    response = submit(client, f"/take-part/{study.slug}/consent", {})
    assert response.status_code == 422
    messages = error_messages(response)
    assert "Choose the role you work in" in messages
    assert "Tick the box to confirm you agree to take part" in messages
    assert db.session.scalar(select(Consent)) is None


def test_an_unknown_staff_role_is_refused(client):
    _, study = _participant(client)
    response = submit(
        client, f"/take-part/{study.slug}/consent", {"staff_role": "surgeon", "agree": "y"}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(Consent)) is None


def test_a_new_information_sheet_asks_for_consent_again(client):
    _, study = _participant(client)
    submit(client, f"/take-part/{study.slug}/consent", {"staff_role": "anp", "agree": "y"})
    study.pis_version = "4.0"
    db.session.commit()
    response = client.get(f"/take-part/{study.slug}")
    assert response.headers["Location"].endswith("/consent")
