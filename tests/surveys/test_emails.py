"""Invitations when a wave opens, reminders only to practices that have not answered, and the
send log the study team reads."""

import json
from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.surveys.actions import save_response
from pact_feedback.surveys.models import SurveySend
from tests.conftest import login, page, submit
from tests.surveys.helpers import lead_of, surveyed_study, team_member


def _world():
    study, survey, practices = surveyed_study(3)
    leads = [lead_of(p) for p in practices]
    survey.waves[0].invitations_sent_at = None
    db.session.commit()
    return study, survey, practices, leads


def _sends(kind):
    return db.session.scalars(select(SurveySend).filter_by(kind=kind)).all()


def test_open_waves_command_invites_each_lead_once(app, ctx, outbox):
    study, survey, practices, leads = _world()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "open-waves"])
    assert f"{study.slug} wave 1: 3 invitation(s) sent" in result.output
    assert sorted(m.to[0] for m in outbox) == sorted(lead.email for lead in leads)
    assert f"/practices/{practices[0].ods_code}/surveys/{study.slug}/waves/1" in next(
        m.body for m in outbox if m.to[0] == leads[0].email
    )
    assert len(_sends("invitation")) == 3
    again = runner.invoke(args=["surveys", "open-waves"])
    assert "No wave needs invitations today." in again.output
    assert len(outbox) == 3


def test_remind_only_practices_that_have_not_submitted(app, ctx, outbox):
    """A submitted practice is not reminded; a practice with only a draft is."""
    study, survey, practices, leads = _world()
    wave = survey.waves[0]
    runner = app.test_cli_runner()
    runner.invoke(args=["surveys", "open-waves"])
    save_response(
        wave, practices[0], {"discussed": "yes", "used_for_qi": "no"}, by=leads[0], submit=True
    )
    save_response(wave, practices[1], {"discussed": "yes"}, by=leads[1], submit=False)
    outbox.clear()
    result = runner.invoke(args=["surveys", "remind", "--min-days", "0"])
    assert "2 reminder(s) sent" in result.output
    assert sorted(m.to[0] for m in outbox) == sorted([leads[1].email, leads[2].email])
    recent = runner.invoke(args=["surveys", "remind"])  # default: not within 7 days
    assert "0 reminder(s) sent" in recent.output
    assert len(_sends("reminder")) == 2


def test_team_buttons_send_and_log_and_closed_wave_refuses(client, outbox):
    study, survey, practices, leads = _world()
    login(client, team_member(study))
    manage = f"/studies/{study.slug}/survey"
    send = f"{manage}/waves/1/send"
    html = page(client.get(manage))
    assert html.select_one("tr[data-wave='1'] button").text.startswith("Send invitations")
    response = submit(client, send, {"value": "invitation"}, form_url=manage, follow_redirects=True)
    assert "3 invitation email(s) sent for wave 1" in page(response).text
    twice = submit(client, send, {"value": "invitation"}, form_url=manage, follow_redirects=True)
    assert "already went out" in page(twice).text
    # Seconds after the invitations, the web Remind obeys the same interval as the CLI.
    early = submit(client, send, {"value": "reminder"}, form_url=manage, follow_redirects=True)
    assert "0 reminder email(s) sent" in page(early).text
    for row in _sends("invitation"):
        row.sent_at -= timedelta(days=8)
    db.session.commit()
    reminded = submit(client, send, {"value": "reminder"}, form_url=manage, follow_redirects=True)
    assert "3 reminder email(s) sent" in page(reminded).text
    log = page(client.get(manage)).select("table")[-1]
    assert len(log.select("tbody tr")) == 6
    assert leads[0].email in log.text and "Reminder" in log.text
    survey.waves[0].closes_on = date.today() - timedelta(days=1)
    survey.waves[0].opens_on = date.today() - timedelta(days=20)
    db.session.commit()
    closed = submit(client, send, {"value": "reminder"}, form_url=manage, follow_redirects=True)
    assert "Wave 1 is not open, so no emails were sent" in page(closed).text
    assert len(outbox) == 6


def test_stats_command_prints_json(app, ctx):
    study, survey, practices, leads = _world()
    save_response(
        survey.waves[0],
        practices[0],
        {"discussed": "planning", "used_for_qi": "no"},
        by=leads[0],
        submit=True,
    )
    result = app.test_cli_runner().invoke(args=["surveys", "stats", study.slug, "--wave", "1"])
    data = json.loads(result.output)
    assert (data["n_sent"], data["n_responded"]) == (3, 1)
    assert data["questions"]["discussed"]["planning"] == {
        "n": 1,
        "percent": 100.0,
        "ci_low": 20.7,
        "ci_high": 100.0,
    }
    assert data["questions"]["discussed"]["yes_or_planning"]["n"] == 1
