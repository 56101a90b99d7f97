"""A new information sheet version asks participants to re-confirm before they carry on."""

from sqlalchemy import select

from pact_feedback.accounts.models import Consent
from pact_feedback.api.tokens import create_token
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from tests.conftest import csrf_token, error_messages, login, page, submit


def _new_version(client, diary, version="2.0"):
    login(client, diary.team)
    url = f"/governance/studies/{diary.study.slug}/information-sheet"
    response = submit(client, url, {"version": version})
    client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/")})
    return response


def test_new_version_sends_participants_back_to_consent_with_an_explanation(client, diary):
    slug = diary.study.slug
    _, secret = create_token(diary.me, "phone", by=diary.me)
    assert _new_version(client, diary).status_code == 302
    db.session.expire_all()
    assert diary.study.pis_version == "2.0"
    event = db.session.scalar(select(AuditEvent).filter_by(action="pis_version_changed"))
    assert (event.details["old"], event.details["new"]) == ("1.0", "2.0")

    api = client.get(f"/api/v1/studies/{slug}/days", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 403
    login(client, diary.me)
    for url in (f"/take-part/{slug}", f"/take-part/{slug}/diary/"):
        response = client.get(url)
        assert response.headers["Location"] == f"/take-part/{slug}/consent", url
    text = page(client.get(f"/take-part/{slug}/consent")).get_text(" ", strip=True)
    assert "has changed since you agreed to version 1.0" in text
    assert "Please read version 2.0" in text
    response = submit(
        client, f"/take-part/{slug}/consent", {"staff_role": "gp_partner", "agree": "y"}
    )
    assert response.status_code == 302
    versions = db.session.scalars(
        select(Consent.pis_version).filter_by(user_id=diary.me.id).order_by(Consent.id)
    ).all()
    assert versions == ["1.0", "2.0"]
    assert client.get(f"/take-part/{slug}").status_code == 200
    assert "has changed" not in page(client.get(f"/take-part/{slug}/consent")).get_text()


def test_same_or_empty_version_is_refused(client, diary):
    login(client, diary.team)
    url = f"/governance/studies/{diary.study.slug}/information-sheet"
    same = submit(client, url, {"version": "1.0"})
    assert same.status_code == 422
    assert error_messages(same) == ["The study already uses version 1.0"]
    assert submit(client, url, {"version": ""}).status_code == 422
    db.session.expire_all()
    assert diary.study.pis_version == "1.0"


def test_participants_page_shows_who_must_reconfirm(client, diary):
    _new_version(client, diary)
    login(client, diary.team)
    text = page(client.get(f"/governance/studies/{diary.study.slug}/participants")).get_text(
        " ", strip=True
    )
    assert "Version 1.0: asked to confirm version 2.0" in text


def test_a_withdrawn_participant_is_not_asked_to_reconsent(client, diary):
    from pact_feedback.participation.actions import withdraw

    withdraw(diary.me.memberships[0], by=diary.me)
    _new_version(client, diary)
    login(client, diary.me)
    response = client.get(f"/take-part/{diary.study.slug}")
    assert response.status_code == 200
    text = page(response).get_text(" ", strip=True)
    assert "You withdrew on" in text and "information sheet version 1.0" in text
    diary_page = client.get(f"/take-part/{diary.study.slug}/diary/")
    assert diary_page.headers["Location"] == f"/take-part/{diary.study.slug}"
