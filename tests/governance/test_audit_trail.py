"""The audit trail: filters by action, actor and date; CSV export of the filtered rows (itself
logged); and the events governance depends on are actually recorded."""

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import select

from pact_feedback.accounts.actions import grant_role
from pact_feedback.accounts.roles import PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.reports.actions import generate, release
from pact_feedback.reports.models import Report
from tests.conftest import login, make_practice, make_user, page, submit
from tests.reports.scenario import build_round


def _event(action, *, actor=None, at=None):
    event = AuditEvent(action=action, actor_id=getattr(actor, "id", None), details={})
    if at:
        event.at = at
    db.session.add(event)
    db.session.commit()
    return event


def _actions(response) -> list[str]:
    rows = page(response).select("tbody tr")
    return [r.select("td")[1].get_text(strip=True) for r in rows if len(r.select("td")) > 1]


def test_filters_by_action_actor_and_dates(client, ctx):
    team = make_user(role=STUDY_TEAM)
    someone = make_user()
    _event("thing_done", actor=someone, at=datetime(2026, 1, 10, 9))
    _event("thing_done", actor=team, at=datetime(2026, 2, 10, 9))
    _event("other_thing", actor=someone, at=datetime(2026, 2, 11, 23, 59))
    login(client, team)
    assert _actions(client.get("/audit/?action=thing_done")) == ["thing_done", "thing_done"]
    by_email = client.get(f"/audit/?actor={someone.email.upper()}")
    assert sorted(_actions(by_email)) == ["other_thing", "thing_done"]
    assert _actions(client.get(f"/audit/?actor={team.id}&action=thing_done")) == ["thing_done"]
    in_range = client.get("/audit/?from=2026-02-01&to=2026-02-11")
    assert _actions(in_range) == ["other_thing", "thing_done"]
    assert someone.email in page(in_range).get_text()
    bad = client.get("/audit/?from=yesterday&to=2026-02-11")
    assert bad.status_code == 422
    assert "Enter the 'from' date as a real date" in page(bad).get_text()
    backwards = client.get("/audit/?from=2026-02-11&to=2026-02-01")
    assert backwards.status_code == 422


def test_csv_export_holds_the_filtered_rows_and_is_logged(client, ctx):
    team = make_user(role=STUDY_TEAM)
    for n in range(3):
        _event("thing_done", at=datetime(2026, 2, 1) + timedelta(days=n))
    _event("other_thing")
    login(client, team)
    link = page(client.get("/audit/?action=thing_done")).find(
        "a", string="Download these events as CSV"
    )
    assert link["href"] == "/audit/export.csv?action=thing_done"
    response = client.get(link["href"])
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["thing_done"] * 3
    logged = db.session.scalar(select(AuditEvent).filter_by(action="audit_exported"))
    assert logged.actor_id == team.id
    assert logged.details == {"filters": {"action": "thing_done"}, "rows": 3}
    assert client.get("/audit/export.csv?from=nonsense").status_code == 422


def test_failed_sign_in_access_denial_and_role_change_are_recorded(client, ctx):
    user = make_user()
    response = submit(client, "/account/sign-in", {"email": user.email, "password": "wrong"})
    assert response.status_code in (200, 422)
    assert db.session.scalar(select(AuditEvent).filter_by(action="sign_in_failed"))
    login(client, user)
    assert client.get("/audit/").status_code == 403
    denied = db.session.scalar(select(AuditEvent).filter_by(action="access_denied"))
    assert denied.actor_id == user.id and denied.details["path"] == "/audit/"
    grant_role(user, PRACTICE_LEAD, practice=make_practice(), by=user)
    db.session.commit()
    assert db.session.scalar(select(AuditEvent).filter_by(action="role_granted"))


def test_report_views_and_sharing_changes_are_recorded(client, ctx):
    world = build_round(sizes=(5, 5, 5))
    team = make_user(role=STUDY_TEAM)
    generate(world.study, by=team)
    release(world.study, by=team, notify=False)
    person = world.participants[0][0]
    report = db.session.scalar(select(Report).filter_by(kind="participant", user_id=person.id))
    login(client, person)
    assert client.get(f"/reports/{report.id}").status_code == 200
    viewed = db.session.scalar(select(AuditEvent).filter_by(action="report_view"))
    assert viewed.actor_id == person.id and viewed.object_id == str(report.id)
    url = f"/take-part/{world.study.slug}/report"
    assert submit(client, url, {"share": "yes"}).status_code == 302
    shared = db.session.scalar(select(AuditEvent).filter_by(action="report_sharing_changed"))
    assert shared.details == {"shared": True}


def test_uptake_statistics_downloads_are_recorded(client, ctx):
    from tests.surveys.helpers import surveyed_study

    study, _, _ = surveyed_study(2)
    team = make_user(role=STUDY_TEAM)
    login(client, team)
    response = client.get(f"/studies/{study.slug}/uptake.csv?wave=1")
    assert response.status_code == 200
    event = db.session.scalar(select(AuditEvent).filter_by(action="uptake_exported"))
    assert event.actor_id == team.id and event.object_id == str(study.id)
    assert event.details["format"] == "csv" and event.details["wave"] == 1
    assert event.details["rows"] == len(response.get_data(as_text=True).strip().splitlines()) - 1
