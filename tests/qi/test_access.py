"""A private project is its owner's alone; a practice project is its members', never the
study team's or another practice's."""

import pytest

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM
from tests.conftest import login, make_practice, make_study, make_user
from tests.qi.helpers import make_project

PAGES = ("", "/edit", "/cycles/new", "/measures/new", "/summary.pdf", "/summary.md")


@pytest.fixture
def people(ctx):
    practice, other = make_practice(), make_practice()
    study = make_study(practices=[practice, other])
    owner = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    return {
        "owner": owner,
        "colleague": make_user(role=PARTICIPANT, practice=practice, study=study, consented=True),
        "lead": make_user(role=PRACTICE_LEAD, practice=practice),
        "other_lead": make_user(role=PRACTICE_LEAD, practice=other),
        "team": make_user(role=STUDY_TEAM),
        "practice": practice,
    }


@pytest.mark.parametrize("who", ["colleague", "lead", "other_lead", "team"])
def test_a_private_project_is_hidden_from_everyone_but_its_owner(client, people, who):
    project = make_project(owner=people["owner"], title="My portfolio project")
    login(client, people[who])
    for suffix in PAGES:
        assert client.get(f"/qi/{project.id}{suffix}").status_code == 404, suffix
    assert "My portfolio project" not in client.get("/my/qi").get_data(as_text=True)


def test_the_owner_sees_their_private_project(client, people):
    project = make_project(owner=people["owner"], title="My portfolio project")
    login(client, people["owner"])
    for suffix in PAGES:
        assert client.get(f"/qi/{project.id}{suffix}").status_code == 200, suffix
    assert "My portfolio project" in client.get("/my/qi").get_data(as_text=True)


def test_the_study_team_cannot_open_a_practice_project(client, people):
    project = make_project(practice=people["practice"])
    login(client, people["team"])
    assert client.get(f"/qi/{project.id}").status_code == 404
    assert client.get(f"/practices/{people['practice'].ods_code}/qi").status_code == 404


def test_a_child_of_another_project_is_not_found(client, people):
    """A measure id from another project cannot be reached through a project you can see."""
    from pact_feedback.extensions import db
    from pact_feedback.qi.models import QIMeasure

    mine = make_project(practice=people["practice"])
    hidden = make_project(owner=people["owner"])
    measure = QIMeasure(project=hidden, kind="outcome", name="Secret")
    db.session.add(measure)
    db.session.commit()
    login(client, people["lead"])
    assert client.get(f"/qi/{mine.id}/measures/{measure.id}/values").status_code == 404
    assert client.get(f"/qi/{mine.id}/measures/{measure.id}/edit").status_code == 404
