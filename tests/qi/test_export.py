"""The project summary as PDF (text extracted with pdftotext) and Markdown; exports are logged."""

from sqlalchemy import select

from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.qi.demo import seed_qi
from pact_feedback.qi.models import QIProject
from tests.conftest import login, make_practice, make_user
from tests.pdftext import pdf_text


def _demo_project(client):
    practice = make_practice(name="Riverside Surgery")
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    seed_qi(practice)
    login(client, lead)
    return db.session.scalar(select(QIProject)), lead


def _pdf_text(body: bytes, tmp_path) -> str:
    return " ".join(pdf_text(body).split())


def test_pdf_summary_holds_aim_measures_chart_cycles_and_evidence(client, tmp_path):
    project, lead = _demo_project(client)
    response = client.get(f"/qi/{project.id}/summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data, tmp_path)
    assert "Reduce GP time on correspondence by redirecting letters" in text
    assert "Riverside Surgery" in text
    assert "Minutes per clinician per day on Correspondence and documents" in text
    assert "Median of the first 12 values: 61" in text  # the chart's description
    assert "Shift:" in text and "PDSA 1" in text  # signal sentence and the chart's cycle label
    assert "Cycle 2: Extend redirection to every GP" in text
    assert "Foundation Programme: FPC 9" in text and "CQC" in text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qi_project_exported"))
    assert (event.actor_id, event.details["format"]) == (lead.id, "pdf")


def test_markdown_summary(client):
    project, _ = _demo_project(client)
    response = client.get(f"/qi/{project.id}/summary.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    text = response.get_data(as_text=True)
    assert text.startswith("# Reduce GP time on correspondence by redirecting letters\n")
    assert "### Cycle 1: Redirect outpatient clinic letters" in text
    assert "- **Act:** Adapt: change it and test again" in text
    assert text.count("| shift |") >= 6
    assert "\n\n\n" not in text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qi_project_exported"))
    assert event.details["format"] == "markdown"


def test_demo_project_has_two_cycles_and_a_shift(client):
    from pact_feedback.charts.runrules import analyse

    project, _ = _demo_project(client)
    assert [c.number for c in project.cycles] == [1, 2]
    values = [v.value for v in project.measures[0].values]
    assert len(values) >= 20
    assert analyse(values).shifts
