"""A record audit's suggested QI projects feed the QI form: each suggestion in a released
practice report opens a new project with the finding, its baseline and a measure filled in."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.qi.findings import finding_from_report
from pact_feedback.qi.models import QIProject
from pact_feedback.reports import actions as report_actions
from pact_feedback.reports.models import Report
from tests.casebook.helpers import COMPLETE, audit_world, fill
from tests.conftest import login, page, submit


def _released(world):
    necessity = ["necessary", "necessary", "unnecessary", "partly_unnecessary"]
    for practice in world.practices:
        cases = [{**COMPLETE, "necessity": necessity[i % 4]} for i in range(12)]
        fill(world, practice, cases)
    report_actions.generate(world.study, by=world.team)
    report_actions.release(world.study, by=world.team, notify=False)
    return db.session.scalar(select(Report).filter_by(practice_id=world.practices[0].id))


def test_audit_finding_reads_the_practices_own_percentage_and_the_network(ctx):
    """The finding adds the chosen answers' percentages of the practice's own cases."""
    world = audit_world(practices=3, status="analysing")
    report = _released(world)

    finding = finding_from_report(
        report.payload, "necessity", answers=["partly_unnecessary", "unnecessary"]
    )

    assert finding.baseline == 50.0 and finding.baseline_source == "your practice's audit"
    assert finding.comparison == 50.0 and finding.unit == "% of audited cases"
    assert "Partly unnecessary or Unnecessary" in finding.label
    assert finding.suggested_measure()["unit"] == "%"
    assert finding_from_report(report.payload, "necessity", answers=["nope"]) is None
    assert finding_from_report(report.payload, "necessity") is None


def test_a_suggestion_in_the_report_opens_a_prefilled_qi_project(client, ctx):
    """From the report's suggestion to a saved project that keeps the audit finding."""
    world = audit_world(practices=3, status="analysing")
    report = _released(world)
    world.study.status = "reports_released"
    db.session.commit()
    login(client, world.lead)

    report_page = page(client.get(f"/reports/{report.id}"))
    links = report_page.select("#improvement + ul a[href*='/qi/new']")
    assert links, "each suggestion links to the QI form"
    href = next(a["href"] for a in links if "necessity" in a["href"])
    query = parse_qs(urlsplit(href).query)
    assert query["report"] == [str(report.id)] and query["category"] == ["necessity"]

    form_page = client.get(href)
    text = page(form_page).get_text(" ", strip=True)
    assert form_page.status_code == 200
    assert "50% of audited cases (your practice's audit)" in text
    values = {
        i["name"]: i.get("value", "")
        for i in page(form_page).select("main form[method=post] input")
        if i.get("name") and i.get("type") not in ("checkbox", "radio")
    }
    values.update(
        {t["name"]: t.text.lstrip("\n") for t in page(form_page).select("main form textarea")},
        add_suggestions=["measure-0"],
    )
    assert submit(client, href, values).status_code == 302

    project = db.session.scalar(select(QIProject))
    assert (project.finding_category, project.finding_baseline) == ("necessity", 50.0)
    assert project.finding_unit == "% of audited cases"
    assert project.measures[0].unit == "%"
    shown = page(client.get(f"/qi/{project.id}")).get_text(" ", strip=True)
    assert "50% of audited cases" in shown and "minutes" not in shown.lower()
