"""Report pages and PDFs: who may read what, what the page never shows, and the logged views."""

import pytest
from sqlalchemy import select

from pact_feedback.accounts.roles import PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.extensions import db
from pact_feedback.reports import actions
from pact_feedback.reports.models import Report, ReportAccess
from tests.conftest import login, make_user, page, submit
from tests.pdftext import pdf_text
from tests.reports.scenario import build_round


@pytest.fixture
def released(ctx):
    world = build_round(sizes=(5, 5, 5), share_first=5)
    team = make_user(role=STUDY_TEAM)
    actions.generate(world.study, by=team)
    actions.release(world.study, by=team)
    world.team = team

    def report_of(kind, practice=0, user=None):
        filters = {"kind": kind, "practice_id": world.practices[practice].id}
        if user is not None:
            filters["user_id"] = user.id
        return db.session.scalars(select(Report).filter_by(**filters)).first()

    world.report_of = report_of
    return world


def test_lead_reads_practice_report_without_the_comparators_identity(client, released):
    report = released.report_of("practice", 0)
    comparator_code = report.payload["method"]["match"]["comparator"]
    comparator = next(p for p in released.practices if p.ods_code == comparator_code)
    login(client, released.leads[0])

    response = client.get(f"/reports/{report.id}")

    assert response.status_code == 200
    text = page(response).get_text(" ", strip=True)
    assert "similar practice" in text.lower() and "How to read this report" in text
    assert comparator.ods_code not in text and comparator.name not in text
    assert page(response).select("svg title")  # charts carry a text alternative
    assert page(response).select("table caption")
    assert "Network: middle half of clinicians" in text
    # Five of five participants share: the practice's own figures appear.
    own = report.payload["own"]["by_category"]["values"]
    assert own is not None and f"{own['A1']:g}" in text
    assert db.session.scalar(select(ReportAccess).filter_by(report_id=report.id)).action == "view"


def test_practice_own_figures_withheld_in_words_when_too_few_share(client, released):
    report = released.report_of("practice", 1)
    login(client, released.leads[1])
    text = page(client.get(f"/reports/{report.id}")).get_text(" ", strip=True)
    assert "We do not show your practice's own figures" in text


def test_another_practice_lead_gets_not_found(client, released):
    report = released.report_of("practice", 0)
    login(client, released.leads[1])
    assert client.get(f"/reports/{report.id}").status_code == 404
    assert client.get(f"/reports/{report.id}/report.pdf").status_code == 404


def test_participant_report_is_private_unless_shared(client, released):
    owner = released.participants[1][0]
    report = released.report_of("participant", 1, owner)
    login(client, released.leads[1])
    assert client.get(f"/reports/{report.id}").status_code == 404

    owner.memberships[0].shares_with_practice = True
    db.session.commit()
    assert client.get(f"/reports/{report.id}").status_code == 200


def test_participant_reads_own_report_and_changes_sharing(client, released):
    owner = released.participants[1][0]
    report = released.report_of("participant", 1, owner)
    login(client, owner)

    text = page(client.get(f"/reports/{report.id}")).get_text(" ", strip=True)
    assert "Your workload diary report" in text and "Median for" in text
    assert (
        client.get(
            f"/reports/{released.report_of('participant', 1, released.participants[1][1]).id}"
        ).status_code
        == 404
    )

    slug = released.study.slug
    response = submit(client, f"/take-part/{slug}/report", {"share": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert owner.memberships[0].shares_with_practice is True
    bad = submit(client, f"/take-part/{slug}/report", {"share": "maybe"})
    assert bad.status_code == 422


def test_drafts_are_visible_only_to_the_study_team(client, ctx):
    world = build_round(sizes=(5, 5))
    team = make_user(role=STUDY_TEAM)
    actions.generate(world.study, by=team)
    draft = db.session.scalars(select(Report).filter_by(kind="practice")).first()
    lead = make_user(role=PRACTICE_LEAD, practice=draft.practice)
    login(client, lead)
    assert client.get(f"/reports/{draft.id}").status_code == 404


def test_team_generates_and_releases_from_the_review_page(client, ctx, outbox):
    world = build_round(sizes=(5, 5))
    team = make_user(role=STUDY_TEAM)
    login(client, team)
    url = f"/studies/{world.study.slug}/reports"

    response = submit(client, f"{url}/generate", {}, form_url=url, follow_redirects=True)
    assert "Generated 12 draft reports" in page(response).get_text(" ", strip=True)
    assert "Withheld figures" in page(client.get(url)).get_text(" ", strip=True)

    response = submit(client, f"{url}/release", {}, form_url=url, follow_redirects=True)
    text = page(response).get_text(" ", strip=True)
    assert "Released 12 reports" in text and "Finished" in text
    assert len(outbox) == 12

    response = submit(client, f"{url}/reissue", {"reason": ""}, form_url=url)
    assert response.status_code == 422
    assert "Say why the reports are being re-issued" in page(response).get_text(" ", strip=True)

    reason = {"reason": "A miscoded day corrected"}
    response = submit(client, f"{url}/reissue", reason, form_url=url, follow_redirects=True)
    text = page(response).get_text(" ", strip=True)
    assert "Re-issued 12 reports as version 2" in text and "12 of 12" in text
    assert len(outbox) == 24  # a notice per reader for each version


def test_pdf_has_the_same_numbers_as_the_page(client, released):
    report = released.report_of("practice", 0)
    login(client, released.leads[0])

    response = client.get(f"/reports/{report.id}/report.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "Practice report" in text and "How to read this report" in text
    network_a1 = report.payload["network"]["by_category"]["values"]["A1"]
    assert f"{network_a1:g}" in text
    assert report.payload["method"]["match"]["comparator"] not in text
    actions_logged = db.session.scalars(
        select(ReportAccess.action).filter_by(report_id=report.id)
    ).all()
    assert "download" in actions_logged


def test_a_finding_starts_a_qi_project_prefilled_from_the_report(client, released):
    report = released.report_of("practice", 0)
    login(client, released.leads[0])
    links = page(client.get(f"/reports/{report.id}")).select("a[href*='/qi/new']")
    b1 = next(a["href"] for a in links if "category=B1" in a["href"])
    assert f"report={report.id}" in b1 and released.practices[0].ods_code in b1

    response = client.get(b1)

    assert response.status_code == 200
    assert "Test results" in page(response).get_text(" ", strip=True)
