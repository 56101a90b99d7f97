"""The study team edits a study after creation, seeing the effect before saving (issue 19, 1)."""

from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT, STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.models import DiaryAllocation, DiaryDay
from pact_feedback.extensions import db
from pact_feedback.surveys.actions import ensure_default_survey
from tests.conftest import error_messages, login, make_practice, make_study, make_user, page, submit


def _team(client, study=None):
    user = make_user(role=STUDY_TEAM, study=study)
    login(client, user)
    return user


def _form(study, **changes):
    fields = {
        "title": study.title,
        "round": str(study.round),
        "collection_start": study.collection_start.isoformat() if study.collection_start else "",
        "collection_end": study.collection_end.isoformat() if study.collection_end else "",
        "wave_months": "3, 6",
    }
    return {**fields, **changes}


def test_a_study_made_without_a_window_gets_one_and_can_start_collecting(client):
    study = make_study(status="recruiting", collection_start=None, collection_end=None)
    _team(client, study)
    url = f"/studies/{study.slug}/settings"
    preview = submit(
        client, url, _form(study, collection_start="2027-03-01", collection_end="2027-03-31")
    )
    assert preview.status_code == 200
    text = page(preview).get_text(" ", strip=True)
    assert "Not set" in text and "1 March 2027" in text  # before and after, before saving
    db.session.refresh(study)
    assert study.collection_start is None  # nothing saved yet

    saved = submit(
        client,
        url,
        _form(study, collection_start="2027-03-01", collection_end="2027-03-31", confirm="yes"),
    )
    assert saved.status_code == 302
    db.session.refresh(study)
    assert (study.collection_start, study.collection_end) == (date(2027, 3, 1), date(2027, 3, 31))
    event = db.session.scalar(select(AuditEvent).filter_by(action="study_settings_changed"))
    assert event.details["changes"]["collection_start"] == [None, "2027-03-01"]


def test_title_and_round_change_and_are_audited_before_and_after(client):
    study = make_study(title="Why Test")
    _team(client, study)
    submit(
        client,
        f"/studies/{study.slug}/settings",
        _form(study, title="Why Test", round="2", confirm="yes"),
    )
    db.session.refresh(study)
    assert study.display_name == "Why Test (round 2)"
    event = db.session.scalar(select(AuditEvent).filter_by(action="study_settings_changed"))
    assert event.details["changes"] == {"round": [1, 2]}


def test_shortening_while_collecting_shows_the_allocated_days_it_removes(client):
    start = date.today() - timedelta(days=3)
    study = make_study(
        status="collecting", collection_start=start, collection_end=start + timedelta(days=20)
    )
    practice = make_practice()
    person = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    late = start + timedelta(days=15)
    db.session.add(DiaryAllocation(study_id=study.id, user_id=person.id, date=late))
    db.session.commit()
    _team(client, study)
    new_end = (start + timedelta(days=10)).isoformat()
    preview = submit(
        client, f"/studies/{study.slug}/settings", _form(study, collection_end=new_end)
    )
    text = page(preview).get_text(" ", strip=True)
    assert "1 allocated or planned diary day (1 participant) falls outside the new window" in text
    submit(
        client,
        f"/studies/{study.slug}/settings",
        _form(study, collection_end=new_end, confirm="yes"),
    )
    assert db.session.scalar(select(DiaryAllocation)) is None


def test_shortening_past_recorded_diary_days_is_refused_beside_the_field(client):
    start = date.today() - timedelta(days=10)
    study = make_study(
        status="collecting", collection_start=start, collection_end=start + timedelta(days=20)
    )
    practice = make_practice()
    person = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    db.session.add(
        DiaryDay(
            study_id=study.id,
            user_id=person.id,
            practice_id=practice.id,
            staff_role="gp_partner",
            date=start + timedelta(days=8),
        )
    )
    db.session.commit()
    _team(client, study)
    response = submit(
        client,
        f"/studies/{study.slug}/settings",
        _form(study, collection_end=(start + timedelta(days=5)).isoformat(), confirm="yes"),
    )
    assert response.status_code == 422
    assert any("1 diary day already recorded" in m for m in error_messages(response))
    db.session.refresh(study)
    assert study.collection_end == start + timedelta(days=20)


def test_extension_while_collecting_says_allocated_days_stay(client):
    start = date.today() - timedelta(days=3)
    study = make_study(
        status="collecting", collection_start=start, collection_end=start + timedelta(days=20)
    )
    _team(client, study)
    new_end = (start + timedelta(days=34)).isoformat()
    preview = submit(
        client, f"/studies/{study.slug}/settings", _form(study, collection_end=new_end)
    )
    assert "14 more days" in page(preview).get_text(" ", strip=True)


def test_wave_offsets_change_until_invitations_go_out(client):
    study = make_study(status="setup")
    survey = ensure_default_survey(study)
    db.session.commit()
    _team(client, study)
    submit(
        client, f"/studies/{study.slug}/settings", _form(study, wave_months="2, 9", confirm="yes")
    )
    db.session.refresh(survey)
    assert [w.months_after_release for w in survey.waves] == [2, 9]
    bad = submit(client, f"/studies/{study.slug}/settings", _form(study, wave_months="nine"))
    assert bad.status_code == 422
    assert any("whole numbers of months" in m for m in error_messages(bad))


def test_cli_edits_a_study_with_the_same_rules(app, ctx):
    study = make_study(status="recruiting", collection_start=None, collection_end=None)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "studies",
            "edit",
            study.slug,
            "--collection-start",
            "2027-03-01",
            "--collection-end",
            "2027-03-31",
            "--title",
            "Why Test 2",
            "--yes",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "collection_end: Not set -> 31 March 2027" in result.output
    db.session.refresh(study)
    assert study.title == "Why Test 2" and study.collection_end == date(2027, 3, 31)
    refused = runner.invoke(
        args=["studies", "edit", study.slug, "--collection-end", "2027-02-01", "--yes"]
    )
    assert refused.exit_code != 0
    assert "Last day must be on or after the first day" in refused.output


def test_cli_create_takes_the_collection_window(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "studies",
            "create",
            "why-test-2",
            "--title",
            "Why Test",
            "--round",
            "2",
            "--collection-start",
            "2027-03-01",
            "--collection-end",
            "2027-03-31",
        ]
    )
    assert result.exit_code == 0, result.output
    from pact_feedback.studies.actions import study_by_slug

    study = study_by_slug("why-test-2")
    assert (study.collection_start, study.collection_end) == (date(2027, 3, 1), date(2027, 3, 31))
    half = runner.invoke(
        args=["studies", "create", "x-2", "--title", "X", "--collection-start", "2027-03-01"]
    )
    assert half.exit_code != 0 and "both days" in half.output
