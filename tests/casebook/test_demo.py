"""The demo's Why Test audit reproduces the published national figures through the real
tabulation (page, CLI and files), and its practice reports are released."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from pact_feedback.accounts.models import User
from pact_feedback.api.tokens import create_token
from pact_feedback.casebook import national
from pact_feedback.casebook.actions import form_for
from pact_feedback.demo import seed
from pact_feedback.extensions import db
from pact_feedback.reports.models import Report
from pact_feedback.studies.actions import study_by_slug
from tests.conftest import PASSWORD, login, page

PUBLISHED = {
    ("reasons", "symptoms"): 43.2,
    ("reasons", "disease_monitoring"): 30.1,
    ("reasons", "medication_monitoring"): 10.1,
    ("reasons", "previous_abnormal"): 6.8,
    ("reasons", "patient_request"): 1.5,
    ("result", "normal"): 26.6,
    ("new_diagnosis", "yes"): 6.2,
    ("outcome", "no_change"): 48.0,
}


@pytest.fixture
def demo(ctx):
    seed(PASSWORD)
    return form_for(study_by_slug("why-test"))


def test_demo_audit_reproduces_the_published_why_test_figures(demo):
    """2,572 cases from 57 practices; each published percentage to one decimal."""
    result = national.tabulate(demo)

    assert (result.cases, result.practices) == (2572, 57)
    assert {key: national.headline(result, *key) for key in PUBLISHED} == PUBLISHED
    nations = set(result.frame.loc[result.frame.breakdown == "nation", "group"])
    assert nations == {"England", "Northern Ireland", "Scotland", "Wales"}
    assert 0.4 < result.agreement["kappa"] < 0.8 and result.agreement["n"] == 228


def test_cli_and_downloads_give_the_same_figures(app, client, demo):
    runner = app.test_cli_runner()

    as_json = runner.invoke(args=["studies", "tabulate", "why-test", "--format", "json"])
    as_csv = runner.invoke(args=["studies", "tabulate", "why-test", "--format", "csv"])

    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.output)
    symptoms = next(
        t
        for t in body["tables"]
        if (t["breakdown"], t["question"], t["choice"]) == ("all", "reasons", "symptoms")
    )
    assert (symptoms["n"], symptoms["N"], symptoms["percent"]) == (1111, 2572, 43.2)
    assert symptoms["ci_low"] < 43.2 < symptoms["ci_high"]
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    by_requester = [r for r in rows if r["breakdown"] == "requester"]
    assert {r["group"] for r in by_requester} >= {"gp", "nurse", "pharmacist"}
    login(client, "study.team@pact.example")
    download = client.get("/studies/why-test/audit/tables.csv")
    assert download.status_code == 200
    # One writer (RFC 4180 CRLF rows); click's test runner reports output with \n line ends.
    assert download.get_data(as_text=True).replace("\r\n", "\n") == as_csv.output
    missing = runner.invoke(args=["studies", "tabulate", "hidden-workload"])
    assert missing.exit_code != 0 and "No record-audit study" in missing.output
    api = client.get("/api/v1/studies/why-test/audit/tables", headers=_token(TEAM))
    assert api.status_code == 200 and api.get_json()["tables"] == body["tables"]
    lead = client.get("/api/v1/studies/why-test/audit/tables", headers=_token(LEAD_2))
    assert lead.status_code == 404
    diary = client.get("/api/v1/studies/hidden-workload/audit/tables", headers=_token(TEAM))
    assert diary.status_code == 404


TEAM, LEAD_2 = "study.team@pact.example", "lead.2@practice.example"


def _token(email):
    user = db.session.scalar(select(User).filter_by(email=email))
    _, secret = create_token(user, "analysis", by=user)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_tables_page_shows_denominators_and_agreement(client, demo):
    login(client, "study.team@pact.example")

    html = page(client.get("/studies/why-test/audit/tables"))

    assert "2572 cases from 57 practices" in html.select_one("#denominators").get_text()
    assert "Cohen's kappa" in html.get_text()
    xlsx = client.get("/studies/why-test/audit/tables.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    review = page(client.get("/studies/why-test/reports"))
    assert len(review.select("a[href^='/reports/']")) >= 57  # one released report a practice


def test_released_audit_report_reads_as_a_practice_report_with_protected_comparators(client, demo):
    """A lead reads their practice's released audit report: own counts exact, the similar
    practice's counts rounded or "<8" with no percentage for small counts, never its name."""
    report = db.session.scalar(
        select(Report).where(
            Report.study_id == demo.study_id,
            Report.status == "released",
            Report.payload["practice"]["ods_code"].as_string() == "A81002",
        )
    )
    comparator = report.payload["comparator"]
    for question in comparator.values():
        for cell in question["cells"].values():
            assert cell["n"] == "0" or cell["n"] == "<8" or int(cell["n"]) % 5 == 0
            if cell["n"] == "<8":
                assert cell["percent"] is None
    login(client, "lead.2@practice.example")

    response = client.get(f"/reports/{report.id}")

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("#q-reasons") is not None
    assert report.payload["method"]["match"]["comparator"] not in response.get_data(as_text=True)
    table = html.select_one("#q-reasons ~ .nhsuk-table-container table")  # scrolls at 320 px
    assert "Your practice" in table.get_text() and "Network" in table.get_text()
    pdf = client.get(f"/reports/{report.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"


def test_one_demo_practice_is_still_entering_its_audit(client, demo):
    login(client, "gp.2@practice.example")

    html = page(client.get("/take-part/why-test/audit"))
    study_page = page(client.get("/take-part/why-test")).get_text(" ")

    assert html.select_one("#progress").get_text(" ", strip=True).startswith("23 of 50")
    assert "record audit" in study_page and "Your workload diary" not in study_page
