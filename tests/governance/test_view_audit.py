"""Views of personal data leave an audit row: the participants list (names and emails) and the
uptake statistics pages (per-practice answers)."""

from sqlalchemy import select

from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from tests.conftest import login
from tests.surveys.helpers import surveyed_study, team_member


def _events(action):
    return db.session.scalars(select(AuditEvent).filter_by(action=action)).all()


def test_viewing_the_participants_list_is_audited(client):
    study, _, _ = surveyed_study(1)
    team = team_member(study)
    login(client, team)
    assert client.get(f"/governance/studies/{study.slug}/participants").status_code == 200
    [event] = _events("participants_viewed")
    assert (event.actor_id, event.object_type, event.object_id) == (team.id, "Study", str(study.id))
    assert event.details == {"rows": 0}


def test_viewing_uptake_statistics_is_audited(client):
    study, _, _ = surveyed_study(2)
    team = team_member(study)
    login(client, team)
    assert client.get(f"/studies/{study.slug}/uptake?wave=1").status_code == 200
    assert client.get(f"/studies/{study.slug}/uptake/practices?wave=1").status_code == 200
    events = _events("uptake_viewed")
    assert [(e.actor_id, e.object_id, e.details) for e in events] == [
        (team.id, str(study.id), {"wave": 1, "page": "statistics"}),
        (team.id, str(study.id), {"wave": 1, "page": "practices"}),
    ]
