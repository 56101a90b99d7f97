"""Shared private reports are found on the lead's practice page and read as someone else's;
a participant prints with or without their name; counts follow one small-number rule."""

import re

import pytest
from sqlalchemy import select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.extensions import db
from pact_feedback.reports import actions
from pact_feedback.reports.models import Report
from tests.conftest import login, make_user, page, submit
from tests.printed import read_pages
from tests.reports.scenario import build_round


@pytest.fixture
def released(ctx):
    world = build_round(sizes=(5, 5), share_first=0)
    team = make_user(role=STUDY_TEAM)
    actions.generate(world.study, by=team)
    actions.release(world.study, by=team, notify=False)
    world.owner = world.participants[0][0]
    world.owner.name = "Dr Ada Example"
    db.session.commit()
    world.report = db.session.scalar(
        select(Report).filter_by(kind="participant", user_id=world.owner.id)
    )
    return world


def _signed_in(app, user):
    """A browser of its own for each person."""
    client = app.test_client()
    login(client, user)
    return client


def _practice_page(client, world):
    return page(client.get(f"/practices/{world.practices[0].ods_code}"))


def test_lead_finds_a_shared_report_on_the_practice_page_until_sharing_stops(app, released):
    lead, owner = _signed_in(app, released.leads[0]), _signed_in(app, released.owner)
    assert "Dr Ada Example" not in _practice_page(lead, released).get_text(" ")

    slug = released.study.slug
    assert submit(owner, f"/take-part/{slug}/report", {"share": "yes"}).status_code == 302

    client = lead
    listed = _practice_page(client, released).select(".pact-shared-reports li")
    assert len(listed) == 1
    text = " ".join(listed[0].get_text(" ").split())
    assert "Dr Ada Example's diary report" in text and "GP partner" in text
    assert re.search(r"shared since \d{1,2} \w+ \d{4}", text)
    link = listed[0].select_one("a")["href"]
    shown = page(client.get(link))
    heading = shown.select_one("h1").get_text(" ", strip=True)
    assert re.match(r"Dr Ada Example's diary report, shared with you on \d{1,2} \w+ \d{4}", heading)
    body = shown.select_one("main").get_text(" ")
    assert "Your diary in numbers" not in body and "Dr Ada Example's diary in numbers" in body
    assert "Stop sharing" not in body  # only the participant withdraws

    client = owner
    own = page(client.get(link))
    assert own.select_one("h1").get_text(strip=True).startswith("Your workload diary report")
    stop = own.find("button", string=re.compile("Stop sharing my report"))
    assert stop is not None
    form = stop.find_parent("form")
    response = submit(client, form["action"], {"share": "no"}, form_url=link)
    assert response.status_code == 302

    client = lead
    assert not _practice_page(client, released).select(".pact-shared-reports li")
    assert client.get(link).status_code == 404


def test_participant_prints_with_or_without_their_name(client, released):
    login(client, released.owner)
    url = f"/reports/{released.report.id}"
    choice = page(client.get(url)).select("form.pact-download-choice input[name=name]")
    assert [i["value"] for i in choice] == ["yes", "no"]

    def printed(query):
        response = client.get(f"{url}/report.pdf{query}")
        assert response.status_code == 200
        return read_pages(response.data)

    named, unnamed = printed("?name=yes"), printed("?name=no")
    for pages, expected in ((named, True), (unnamed, False)):
        for p in pages:  # every page's foot names role and diary date, and the name if chosen
            foot = " ".join(line.text for line in p.foot(22))
            assert "GP partner" in foot and "diary 2 March 2026" in foot
            assert ("Dr Ada Example" in foot) is expected
        text = " ".join(p.text(22) for p in pages)
        assert ("Dr Ada Example" in text) is expected
    assert client.get(f"{url}/report.pdf?name=perhaps").status_code == 400


def test_practice_page_counts_follow_the_footnote(client, released):
    """Seven colleagues joined: the page shows "<8" under the footnote that says so."""
    login(client, released.leads[0])
    card = _practice_page(client, released)
    values = {
        dt.get_text(strip=True): dt.find_next("dd").get_text(strip=True) for dt in card.select("dt")
    }
    assert values["Joined"] == "<8" and values["Consented"] == "<8"
    note = card.select_one(".pact-small-numbers").get_text()
    assert "counts under 8 are shown as “<8”" in note and "nearest 5" in note
