"""Lead coverage you can see and act on (issue 19, point 5): per practice on the study page, a
filter for practices without a lead, every skipped practice named, a throttled web Remind."""

from datetime import timedelta

from sqlalchemy import select

from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.surveys.models import SurveySend
from tests.conftest import login, make_user, page, submit
from tests.surveys.helpers import lead_of, surveyed_study


def _three_practices():
    """Why Test in small: one practice with a lead, one invited, one with none."""
    study, survey, practices = surveyed_study(3)
    practices[0].name, practices[1].name, practices[2].name = "Alpha", "Beta", "Gamma"
    lead_of(practices[0])
    survey.waves[0].invitations_sent_at = None
    db.session.commit()
    invite(email="beta.lead@example.org", role="practice_lead", practice=practices[1], by=None)
    return study, survey, practices


def test_study_page_shows_each_practice_lead_state_and_filters(client):
    study, _, _ = _three_practices()
    login(client, make_user(role=STUDY_TEAM))
    rows = page(client.get(f"/studies/{study.slug}")).select("#practices-caption ~ tbody tr")
    cells = [(r.select("td")[0], r.select("td")[-1]) for r in rows]
    states = {
        name.get_text(strip=True).split(" (")[0]: lead.get_text(" ", strip=True)
        for name, lead in cells
    }
    assert states["Alpha"].startswith("Lead joined")
    assert states["Beta"].startswith("Lead invited") and "Invite again" in states["Beta"]
    assert states["Gamma"].startswith("No lead") and "Invite a lead" in states["Gamma"]
    text = page(client.get(f"/studies/{study.slug}")).get_text(" ", strip=True)
    assert "2 of 3 practices have no practice lead who has joined" in text
    filtered = page(client.get(f"/studies/{study.slug}?lead=missing"))
    names = [
        r.select("td")[0].get_text(strip=True)
        for r in filtered.select("#practices-caption ~ tbody tr")
    ]
    assert len(names) == 2 and not any(n.startswith("Alpha") for n in names)


def test_invitations_name_every_skipped_practice_and_why(client, outbox):
    study, survey, _ = _three_practices()
    outbox.clear()
    login(client, make_user(role=STUDY_TEAM))
    manage = f"/studies/{study.slug}/survey"
    response = submit(
        client,
        f"{manage}/waves/1/send",
        {"value": "invitation"},
        form_url=manage,
        follow_redirects=True,
    )
    text = page(response).get_text(" ", strip=True)
    assert "1 invitation email(s) sent for wave 1" in text
    assert "2 practices skipped" in text
    assert "Beta: lead invited" in text and "Gamma: no lead invited" in text


def test_open_waves_with_nobody_to_invite_does_not_mark_the_wave_invited(app, ctx):
    study, survey, practices = surveyed_study(2)
    survey.waves[0].invitations_sent_at = None
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["surveys", "open-waves"])
    assert "0 invitation(s) sent" in result.output
    assert "skipped" in result.output and practices[0].name in result.output
    db.session.refresh(survey.waves[0])
    assert survey.waves[0].invitations_sent_at is None


def test_web_remind_obeys_the_minimum_interval_and_says_when(client, outbox):
    study, survey, practices = surveyed_study(2)
    for practice in practices:
        lead_of(practice)
    db.session.commit()
    login(client, make_user(role=STUDY_TEAM))
    manage = f"/studies/{study.slug}/survey"
    send = f"{manage}/waves/1/send"
    first = submit(client, send, {"value": "reminder"}, form_url=manage, follow_redirects=True)
    assert "2 reminder email(s) sent" in page(first).get_text(" ", strip=True)
    second = submit(client, send, {"value": "reminder"}, form_url=manage, follow_redirects=True)
    text = page(second).get_text(" ", strip=True)
    assert "0 reminder email(s) sent" in text
    next_day = (utcnow() + timedelta(days=7)).strftime("%-d %B %Y")
    assert f"emailed in the last 7 days; next reminder from {next_day}" in text
    assert len(db.session.scalars(select(SurveySend)).all()) == 2
