"""The study team sets up studies, moves them through the lifecycle and enrols practices."""

import io

from sqlalchemy import func, select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.studies.lifecycle import STATUS_CODES
from pact_feedback.studies.models import Enrolment, Study
from tests.conftest import error_messages, login, make_practice, make_study, make_user, page, submit
from tests.study_admin.test_stages import _draft as draft_report

VALID = {
    "title": "The Hidden Workload Study",
    "slug": "hidden-workload-2",
    "description": "Round two.",
    "round": "2",
    "collection_start": "2027-03-01",
    "collection_end": "2027-03-31",
    "pis_version": "2.1",
}


def _team(client):
    user = make_user(role=STUDY_TEAM)
    login(client, user)
    return user


def test_study_team_creates_a_study(client):
    _team(client)
    response = submit(client, "/studies/new", VALID)
    assert response.headers["Location"] == "/studies/hidden-workload-2"
    study = db.session.scalar(select(Study))
    assert (study.title, study.round, study.status, study.pis_version) == (
        "The Hidden Workload Study",
        2,
        "setup",
        "2.1",
    )
    detail = page(client.get("/studies/hidden-workload-2"))
    assert "Round 2" in detail.get_text()


def test_bad_study_form_keeps_what_was_typed(client):
    _team(client)
    response = submit(
        client,
        "/studies/new",
        {**VALID, "slug": "Not A Slug", "collection_end": "2027-02-01", "round": "0"},
    )
    assert response.status_code == 422
    messages = error_messages(response)
    assert any("lower-case letters" in m for m in messages)
    assert "Last day must be on or after the first day" in messages
    assert "Round must be between 1 and 99" in messages
    assert page(response).find("input", id="title")["value"] == VALID["title"]
    assert db.session.scalar(select(func.count()).select_from(Study)) == 0


def test_duplicate_slug_is_refused_beside_the_field(client):
    _team(client)
    make_study(slug="hidden-workload-2")
    response = submit(client, "/studies/new", VALID)
    assert response.status_code == 422
    assert "A study with the short name hidden-workload-2 already exists" in error_messages(
        response
    )


def test_lifecycle_moves_one_logged_step_at_a_time(client):
    _team(client)
    practice = make_practice()
    study = make_study(status="setup", practices=[practice])
    for expected in STATUS_CODES[1:]:
        if expected == "reports_released":
            draft_report(study, practice)
        submit(client, f"/studies/{study.slug}/stage/{expected}", {"to": expected})
        db.session.refresh(study)
        assert study.status == expected
    transitions = db.session.scalars(
        select(AuditEvent).filter_by(action="study_transition").order_by(AuditEvent.id)
    ).all()
    assert [e.details["to_status"] for e in transitions] == list(STATUS_CODES[1:])
    assert study.closed_at is not None and study.collecting_at is not None


def test_collection_cannot_start_without_a_window(client):
    _team(client)
    study = make_study(status="recruiting", collection_start=None, collection_end=None)
    response = submit(
        client,
        f"/studies/{study.slug}/stage/collecting",
        {"to": "collecting"},
        follow_redirects=True,
    )
    assert "Set the collection window" in response.get_data(as_text=True)
    db.session.refresh(study)
    assert study.status == "recruiting"


def test_enrol_by_codes_and_csv_updates_instead_of_duplicating(client):
    _team(client)
    a, b = make_practice(ods_code="A11111"), make_practice(ods_code="B22222")
    study = make_study()
    submit(client, f"/studies/{study.slug}/enrol", {"ods_codes": "a11111, B22222"})
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 2
    csv = io.BytesIO(b"ods_code,report_sent_on\nA11111,2026-01-15\n")
    response = submit(
        client,
        f"/studies/{study.slug}/enrol",
        {"csv_file": (csv, "enrol.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment).filter_by(practice_id=a.id))
    assert str(enrolment.report_sent_on) == "2026-01-15"
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 2
    assert b.id in {e.practice_id for e in db.session.scalars(select(Enrolment))}


def test_enrol_with_an_unknown_code_enrols_nothing(client):
    _team(client)
    make_practice(ods_code="A11111")
    study = make_study()
    response = submit(client, f"/studies/{study.slug}/enrol", {"ods_codes": "A11111 ZZZ999"})
    assert response.status_code == 422
    assert "No practice with ODS code ZZZ999" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_invite_lead_emails_an_invitation(client, outbox):
    _team(client)
    practice = make_practice()
    study = make_study(practices=[practice])
    url = f"/studies/{study.slug}/practices/{practice.ods_code}/invite-lead"
    response = submit(client, url, {"name": "Pat Manager", "email": "pat@practice.example"})
    assert response.status_code == 302
    assert outbox[0].to == ["pat@practice.example"]
    assert "practice lead" in outbox[0].subject


def test_study_team_scoped_to_one_study_cannot_see_another(client):
    mine, theirs = make_study(), make_study()
    member = make_user(role=STUDY_TEAM, study=mine)
    login(client, member)
    assert client.get(f"/studies/{mine.slug}").status_code == 200
    assert client.get(f"/studies/{theirs.slug}").status_code == 403
    assert client.get("/studies/new").status_code == 403
