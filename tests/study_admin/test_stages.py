"""Stage changes state what they need and do, ask to confirm, and refuse with the reason
(issue 19, point 2). The web page and `flask studies advance` use one rules module."""

from datetime import date, timedelta

from sqlalchemy import func, select

from pact_feedback.accounts.roles import PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.reports.models import Report
from pact_feedback.studies.actions import StudyError, enrol_practices
from pact_feedback.studies.lifecycle import STATUS_CODES
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys.actions import ensure_default_survey
from pact_feedback.surveys.models import SurveySend
from tests.conftest import login, make_practice, make_study, make_user, page, submit


def _team(client, study):
    login(client, make_user(role=STUDY_TEAM, study=study))


def _stage_url(study, to):
    return f"/studies/{study.slug}/stage/{to}"


def _draft(study, practice):
    db.session.add(
        Report(
            study_id=study.id,
            kind="practice",
            practice_id=practice.id,
            payload={},
            method_version="test",
        )
    )
    db.session.commit()


def test_release_with_no_reports_is_refused_with_the_reason(client):
    study = make_study(status="analysing", practices=[make_practice()])
    _team(client, study)
    response = client.get(_stage_url(study, "reports_released"))
    assert response.status_code == 409
    text = page(response).get_text(" ", strip=True)
    assert "At least one generated report" in text
    assert "There are no generated reports to release" in text
    assert page(response).find("button", string=lambda s: s and "Confirm" in s) is None
    # A hand-made post is refused the same way.
    submit(client, _stage_url(study, "reports_released"), {"to": "reports_released"}, form_url="/")
    db.session.refresh(study)
    assert study.status == "analysing"


def test_release_states_the_emails_then_needs_a_confirmation(client, outbox):
    practice = make_practice()
    study = make_study(status="analysing", practices=[practice])
    make_user("lead@practice.example", role=PRACTICE_LEAD, practice=practice)
    _draft(study, practice)
    _team(client, study)
    text = page(client.get(_stage_url(study, "reports_released"))).get_text(" ", strip=True)
    assert "Releases 1 report (1 practice, 0 participant)" in text
    assert "Emails 1 reader a link" in text
    assert outbox == [] and study.status == "analysing"  # looking sends nothing
    response = submit(client, _stage_url(study, "reports_released"), {"to": "reports_released"})
    assert response.status_code == 302
    db.session.refresh(study)
    assert study.status == "reports_released"
    assert [m.to for m in outbox] == [["lead@practice.example"]]


def test_release_leads_to_the_progress_page_of_its_emails(client, outbox):
    """The release's emails are a job (on the queue in production): confirming leads to its
    progress page, where the study team follows them; other steps return to the study."""
    from pact_feedback.jobs.queries import latest_run

    practice = make_practice()
    study = make_study(status="analysing", practices=[practice])
    make_user("lead@practice.example", role=PRACTICE_LEAD, practice=practice)
    _draft(study, practice)
    _team(client, study)

    response = submit(client, _stage_url(study, "reports_released"), {"to": "reports_released"})

    run = latest_run(study, "release_emails")
    assert run is not None and (run.total, run.done) == (1, 1)
    assert response.status_code == 302 and response.location.endswith(f"/jobs/{run.id}")
    following = submit(client, _stage_url(study, "survey_open"), {"to": "survey_open"})
    assert following.location.endswith(f"/studies/{study.slug}")


def test_uptake_needs_a_practice_sent_a_report(client):
    study = make_study(status="reports_released", practices=[make_practice()])
    _team(client, study)
    response = client.get(_stage_url(study, "survey_open"))
    assert response.status_code == 409
    assert "No practice has been sent a report yet" in response.get_data(as_text=True)


def test_opening_the_survey_names_practices_without_a_lead(client):
    with_lead, without = make_practice(name="Alpha Surgery"), make_practice(name="Beta Surgery")
    study = make_study(status="reports_released")
    for practice in (with_lead, without):
        db.session.add(Enrolment(study=study, practice=practice, report_sent_on=date.today()))
    db.session.commit()
    make_user(role=PRACTICE_LEAD, practice=with_lead)
    _team(client, study)
    text = page(client.get(_stage_url(study, "survey_open"))).get_text(" ", strip=True)
    assert "invitations go to the leads of 1 practice (of 2 sent a report)" in text
    assert "Beta Surgery (no lead invited)" in text


def test_closed_means_no_enrolment_and_no_generation(client):
    from pact_feedback.reports.actions import ReportError, generate

    practice = make_practice(ods_code="C33333")
    study = make_study(status="closed")
    try:
        enrol_practices(study, [{"practice": practice}], by=None)
        raise AssertionError("enrolment accepted in a closed study")
    except StudyError as refusal:
        assert "closed" in str(refusal)
    try:
        generate(study, by=None)
        raise AssertionError("generation accepted in a closed study")
    except ReportError as refusal:
        assert "The study is closed" in str(refusal)
    _team(client, study)
    response = submit(
        client,
        f"/studies/{study.slug}/enrol",
        {"ods_codes": "C33333"},
        form_url=f"/studies/{study.slug}",
    )
    assert response.status_code in (409, 422)
    assert "closed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_survey_follows_the_stage(client):
    """A study still in set-up has no open waves and no invitation buttons."""
    from pact_feedback.surveys.emails import SendRefused, send_invitations

    study = make_study(status="setup", practices=[make_practice()])
    survey = ensure_default_survey(study)
    survey.waves[0].opens_on = date.today() - timedelta(days=1)
    survey.waves[0].closes_on = date.today() + timedelta(days=20)
    db.session.commit()
    assert not survey.waves[0].is_open(date.today())
    _team(client, study)
    manage = page(client.get(f"/studies/{study.slug}/survey"))
    assert "Send invitations" not in manage.get_text(" ", strip=True)
    try:
        send_invitations(survey.waves[0])
        raise AssertionError("invitations sent in set-up")
    except SendRefused:
        pass


def test_one_step_back_where_no_email_went_out_is_audited(client):
    study = make_study(status="recruiting", practices=[make_practice()])
    _team(client, study)
    assert "Step back to “Set-up”" in page(client.get(f"/studies/{study.slug}")).get_text()
    submit(client, _stage_url(study, "setup"), {"to": "setup"})
    db.session.refresh(study)
    assert study.status == "setup" and study.recruiting_at is None
    event = db.session.scalar(select(AuditEvent).filter_by(action="study_stepped_back"))
    assert event.details == {"from_status": "recruiting", "to_status": "setup"}


def test_no_step_back_after_emails_went_out(client):
    study = make_study(status="survey_open", practices=[make_practice()])
    survey = ensure_default_survey(study)
    db.session.flush()
    db.session.add(
        SurveySend(
            wave_id=survey.waves[0].id,
            practice_id=study.enrolments[0].practice_id,
            email="lead@x.example",
            kind="invitation",
        )
    )
    db.session.commit()
    login(client, make_user(role=STUDY_TEAM))
    response = client.get(_stage_url(study, "reports_released"))
    assert response.status_code == 409
    assert "1 survey email already went out" in response.get_data(as_text=True)
    released = make_study(status="reports_released")
    assert "readers were emailed" in client.get(_stage_url(released, "analysing")).get_data(
        as_text=True
    )


def test_a_stage_two_steps_away_is_refused(client):
    study = make_study(status="recruiting")
    _team(client, study)
    response = client.get(_stage_url(study, "analysing"), follow_redirects=True)
    assert "one step at a time" in response.get_data(as_text=True)


def test_cli_advance_uses_the_same_rules(app, ctx, outbox):
    practice = make_practice()
    study = make_study(status="analysing", practices=[practice])
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["studies", "advance", study.slug, "--to", "reports_released"])
    assert refused.exit_code == 1
    assert "There are no generated reports to release" in refused.output
    _draft(study, practice)
    done = runner.invoke(
        args=["studies", "advance", study.slug, "--to", "reports_released", "--yes"]
    )
    assert done.exit_code == 0, done.output
    assert "Releases 1 report" in done.output
    db.session.refresh(study)
    assert study.status == "reports_released"


def test_whole_lifecycle_through_the_confirmation_pages(client):
    practice = make_practice()
    study = make_study(status="setup", practices=[practice])
    _team(client, study)
    for to in STATUS_CODES[1:]:
        if to == "reports_released":
            _draft(study, practice)
        if to == "survey_open":
            db.session.refresh(study)
        response = submit(client, _stage_url(study, to), {"to": to})
        assert response.status_code == 302, (to, page(response).get_text(" ", strip=True)[:300])
        db.session.refresh(study)
        assert study.status == to
