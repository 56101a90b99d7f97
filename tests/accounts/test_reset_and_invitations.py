"""Password reset, password change, and accepting invitations."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.models import Invitation, Membership, User
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.extensions import db
from tests.conftest import (
    PASSWORD,
    error_messages,
    login,
    make_practice,
    make_study,
    make_user,
    page,
    submit,
)

NEW_PASSWORD = "a brand new passphrase"


def _link(message) -> str:
    match = re.search(r"https?://[^\s]+", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def test_reset_link_sets_a_new_password_once(client, outbox):
    """The emailed link works once: after use, it is refused and the new password signs in."""
    user = make_user("gp@example.org")
    response = submit(client, "/account/forgot-password", {"email": "GP@example.org "})
    assert "Check your email" in response.get_data(as_text=True)
    assert len(outbox) == 1 and outbox[0].to == ["gp@example.org"]
    link = _link(outbox[0])

    response = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(link).status_code == 410  # single use
    login(client, user, NEW_PASSWORD)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, outbox):
    response = submit(client, "/account/forgot-password", {"email": "nobody@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    assert outbox == []


def test_expired_reset_link_gets_a_kind_page(app, client, outbox):
    make_user("gp@example.org")
    submit(client, "/account/forgot-password", {"email": "gp@example.org"})
    link = _link(outbox[0])
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    try:
        response = client.get(link)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(hours=2)
    assert response.status_code == 410
    assert "Ask for a new password reset link" in response.get_data(as_text=True)


def test_reset_rejects_short_and_mismatched_passwords_keeping_the_page(client, outbox):
    make_user("gp@example.org")
    submit(client, "/account/forgot-password", {"email": "gp@example.org"})
    link = _link(outbox[0])
    response = submit(client, link, {"password": "short", "confirm": "different"})
    assert response.status_code == 422
    messages = error_messages(response)
    assert "Password must be at least 10 characters long" in messages
    assert "The passwords do not match" in messages


def test_change_password_signs_out_other_devices(app, client):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user)
    login(client, user)
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other_device.get("/").status_code == 302  # the other one is signed out


def test_change_password_needs_the_current_one(client):
    user = make_user()
    login(client, user)
    response = submit(
        client,
        "/account/password",
        {"current_password": "wrong", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "Your current password is not correct" in error_messages(response)


def test_new_participant_accepts_invitation_and_lands_on_consent(client, outbox):
    practice = make_practice()
    study = make_study(practices=[practice])
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    invite(email="Nurse@Example.org", role=PARTICIPANT, practice=practice, study=study, by=lead)
    link = _link(outbox[0])
    assert "Nurse".lower() in outbox[0].to[0]

    form = client.get(link)
    assert "nurse@example.org" in form.get_data(as_text=True)
    response = submit(
        client, link, {"name": "Jo Nurse", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).filter_by(email="nurse@example.org"))
    membership = db.session.scalar(select(Membership).filter_by(user_id=user.id))
    assert (membership.role, membership.practice_id, membership.study_id) == (
        PARTICIPANT,
        practice.id,
        study.id,
    )
    # The invitation is spent, and the participant is asked for consent before anything else.
    assert client.get(link).status_code == 410
    assert client.get(f"/take-part/{study.slug}").headers["Location"].endswith("/consent")


def test_invitation_form_errors_keep_the_name(client, outbox):
    practice = make_practice()
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    invite(email="x@example.org", role=PRACTICE_LEAD, practice=practice, by=lead)
    link = _link(outbox[0])
    response = submit(client, link, {"name": "Kim", "password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert page(response).find("input", id="name")["value"] == "Kim"
    assert db.session.scalar(select(User).filter_by(email="x@example.org")) is None


def test_expired_or_unknown_invitation_gets_a_kind_page(client, outbox):
    practice = make_practice()
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    invite(email="x@example.org", role=PRACTICE_LEAD, practice=practice, by=lead)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at -= timedelta(days=30)
    db.session.commit()
    response = client.get(_link(outbox[0]))
    assert response.status_code == 410
    assert "no longer works" in response.get_data(as_text=True)
    assert client.get("/account/invitation/made-up").status_code == 410


def test_existing_user_adds_a_role_after_signing_in(client, outbox):
    """A participant invited to lead their practice keeps one account with two roles."""
    practice = make_practice()
    study = make_study(practices=[practice])
    person = make_user("gp@example.org", role=PARTICIPANT, practice=practice, study=study)
    team = make_user()
    invite(email="gp@example.org", role=PRACTICE_LEAD, practice=practice, by=team)
    link = _link(outbox[0])
    assert "/account/sign-in" in client.get(link).headers["Location"]
    login(client, person)
    response = submit(client, link, {})
    assert response.status_code == 302
    roles = {m.role for m in db.session.scalars(select(Membership).filter_by(user_id=person.id))}
    assert roles == {PARTICIPANT, PRACTICE_LEAD}


def test_study_team_invites_a_member_for_one_study(client, outbox):
    from pact_feedback.accounts.roles import STUDY_TEAM

    study = make_study(title="Why Test")
    login(client, make_user(role=STUDY_TEAM))
    response = submit(
        client, "/account/team", {"email": "analyst@pact.example", "study": study.slug}
    )
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.role, invitation.study_id) == (STUDY_TEAM, study.id)
    assert outbox[0].to == ["analyst@pact.example"]
    response = submit(client, "/account/team", {"email": "x@pact.example", "study": "nope"})
    assert response.status_code == 422
