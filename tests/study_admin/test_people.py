"""Removing and handing over roles: sessions and tokens end, history stays, all audited
(issue 19, point 4)."""

from sqlalchemy import select

from pact_feedback.accounts.models import Invitation, Membership, UserSession
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.api.tokens import create_token
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.models import ApiToken
from pact_feedback.participation.actions import is_withdrawn
from tests.conftest import login, make_practice, make_study, make_user, page, submit


def _membership(user, role):
    return db.session.scalar(select(Membership).filter_by(user_id=user.id, role=role))


def test_study_team_member_removed_on_the_web_is_signed_out(app, client):
    study = make_study()
    leaver = make_user(role=STUDY_TEAM, study=study)
    other = app.test_client()
    login(other, leaver)
    assert other.get(f"/studies/{study.slug}").status_code == 200
    login(client, make_user(role=STUDY_TEAM))
    membership = _membership(leaver, STUDY_TEAM)
    url = f"/studies/{study.slug}/people/{membership.id}/remove"
    text = page(client.get(url)).get_text(" ", strip=True)
    assert leaver.email in text and "signed out" in text
    assert submit(client, url, {}).status_code == 302
    assert _membership(leaver, STUDY_TEAM) is None
    assert other.get(f"/studies/{study.slug}").status_code in (302, 403)  # session ended
    event = db.session.scalar(select(AuditEvent).filter_by(action="role_removed"))
    assert event.details["role"] == STUDY_TEAM and event.details["sessions_ended"] == 1


def test_lead_handover_invites_the_new_lead_and_keeps_the_old_answers(client, outbox):
    practice = make_practice()
    study = make_study(practices=[practice])
    old = make_user("old.lead@practice.example", role=PRACTICE_LEAD, practice=practice)
    login(client, make_user(role=STUDY_TEAM, study=study))
    url = f"/studies/{study.slug}/people/{_membership(old, PRACTICE_LEAD).id}/remove"
    submit(client, url, {"hand_to": "new.lead@practice.example"})
    assert _membership(old, PRACTICE_LEAD) is None
    invitation = db.session.scalar(select(Invitation).filter_by(role=PRACTICE_LEAD))
    assert invitation.email == "new.lead@practice.example"
    assert invitation.practice_id == practice.id
    assert outbox[-1].to == ["new.lead@practice.example"]
    event = db.session.scalar(select(AuditEvent).filter_by(action="role_removed"))
    assert event.details["handed_to"] == "new.lead@practice.example"


def test_participant_removed_keeps_their_data_and_loses_tokens(client):
    practice = make_practice()
    study = make_study(practices=[practice])
    person = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    token, _ = create_token(person, "phone", by=person)
    login(client, make_user(role=STUDY_TEAM, study=study))
    membership = _membership(person, PARTICIPANT)
    submit(client, f"/studies/{study.slug}/people/{membership.id}/remove", {})
    assert is_withdrawn(person.id, study.id)
    assert _membership(person, PARTICIPANT) is not None  # their diary stays their practice's
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_a_membership_of_another_study_is_not_found(client):
    mine, theirs = make_study(), make_study()
    stranger = make_user(role=STUDY_TEAM, study=theirs)
    login(client, make_user(role=STUDY_TEAM, study=mine))
    url = f"/studies/{mine.slug}/people/{_membership(stranger, STUDY_TEAM).id}/remove"
    assert client.get(url).status_code == 404


def test_the_last_member_for_every_study_cannot_be_removed(app, ctx):
    only = make_user("only@pact.example", role=STUDY_TEAM)
    result = app.test_cli_runner().invoke(
        args=["users", "remove-role", only.email, "--role", STUDY_TEAM]
    )
    assert result.exit_code != 0
    assert "last study-team member for every study" in result.output
    assert _membership(only, STUDY_TEAM) is not None


def test_cli_removes_a_lead_and_ends_sessions(app, ctx):
    practice = make_practice(ods_code="A81001")
    lead = make_user("lead@practice.example", role=PRACTICE_LEAD, practice=practice)
    db.session.add(UserSession(token_hash="x" * 64, user_id=lead.id))
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["users", "remove-role", lead.email, "--role", PRACTICE_LEAD, "--practice", "a81001"]
    )
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    assert _membership(lead, PRACTICE_LEAD) is None
    assert db.session.scalar(select(UserSession)).revoked_at is not None
    missing = app.test_cli_runner().invoke(
        args=["users", "remove-role", lead.email, "--role", PRACTICE_LEAD, "--practice", "A81001"]
    )
    assert missing.exit_code != 0 and "does not hold" in missing.output
