"""A study-team member given one study lands on it (issue 19, point 3)."""

from pact_feedback.accounts.roles import STUDY_TEAM
from tests.conftest import login, make_study, make_user, page


def test_member_for_one_study_sees_it_on_home_and_in_the_studies_list(client):
    mine = make_study(title="Why Test")
    make_study(title="Someone Else's Study")
    member = make_user(role=STUDY_TEAM, study=mine)
    login(client, member)

    home = page(client.get("/")).get_text(" ", strip=True)
    assert "You do not have a role in any study yet" not in home
    assert "Why Test" in home
    assert "Someone Else's Study" not in home

    response = client.get("/studies/")
    assert response.status_code == 200
    listing = page(response).get_text(" ", strip=True)
    assert "Why Test" in listing and "Someone Else's Study" not in listing
    assert "Set up a new study" not in listing


def test_member_for_one_study_has_studies_in_the_menu(client):
    member = make_user(role=STUDY_TEAM, study=make_study())
    login(client, member)
    links = [a.get_text(strip=True) for a in page(client.get("/")).select("header nav a")]
    assert "Studies" in links
