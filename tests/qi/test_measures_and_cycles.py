"""Measures, values on the run chart, and PDSA cycles with stage-dependent required fields."""

from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.qi.models import PDSACycle, QIMeasure, QIMeasureValue
from tests.conftest import error_messages, login, make_practice, make_user, page, submit
from tests.qi.helpers import make_project


def _signed_in_project(client):
    practice = make_practice()
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    project = make_project(practice=practice)
    login(client, lead)
    return project


def _add_measure(client, project) -> QIMeasure:
    response = submit(
        client,
        f"/qi/{project.id}/measures/new",
        {"kind": "outcome", "name": "Minutes on letters", "unit": "minutes"},
    )
    assert response.status_code == 302
    return db.session.scalar(select(QIMeasure))


def test_measure_needs_a_kind_and_a_name(client):
    project = _signed_in_project(client)
    response = submit(client, f"/qi/{project.id}/measures/new", {"definition": "Timed sample"})
    assert response.status_code == 422
    assert error_messages(response) == [
        "Choose outcome, process or balancing",
        "Enter a name for the measure",
    ]
    assert "Timed sample" in page(response).select_one("#definition").text


def test_values_are_recorded_and_drawn_on_the_run_chart_with_a_shift(client):
    project = _signed_in_project(client)
    measure = _add_measure(client, project)
    url = f"/qi/{project.id}/measures/{measure.id}/values"
    start = date.today() - timedelta(weeks=20)
    for week, value in enumerate([60] * 6 + [58, 62] * 3 + [45] * 6):
        response = submit(
            client,
            url,
            {"measured_on": (start + timedelta(weeks=week)).isoformat(), "value": str(value)},
        )
        assert response.status_code == 302
    chart = page(client.get(url)).select_one("svg.qi-chart")
    assert chart["role"] == "img" and chart.select_one("title").text.startswith("Run chart")
    assert chart.select_one("line.qi-median") is not None
    assert len(chart.select(".qi-point")) == 18
    assert len(chart.select(".qi-point--shift")) == 6
    assert "Shift: 6 points" in chart.select_one("desc").text
    assert "style=" not in str(chart)  # the CSP forbids inline styles
    table = page(client.get(url)).select("details table tbody tr")
    assert len(table) == 18 and "shift" in table[-1].get_text()


def test_a_value_that_is_not_a_number_comes_back_with_a_message(client):
    project = _signed_in_project(client)
    measure = _add_measure(client, project)
    url = f"/qi/{project.id}/measures/{measure.id}/values"
    response = submit(client, url, {"measured_on": "2026-01-05", "value": "about 40"})
    assert response.status_code == 422
    assert error_messages(response) == ["Enter the value as a number, for example 42 or 12.5"]
    assert page(response).select_one("#value")["value"] == "about 40"
    assert db.session.scalar(select(QIMeasureValue)) is None


def test_a_second_value_for_the_same_date_or_a_future_date_is_refused(client):
    project = _signed_in_project(client)
    measure = _add_measure(client, project)
    url = f"/qi/{project.id}/measures/{measure.id}/values"
    assert submit(client, url, {"measured_on": "2026-01-05", "value": "40"}).status_code == 302
    again = submit(client, url, {"measured_on": "2026-01-05", "value": "41"})
    assert again.status_code == 422
    assert error_messages(again)[0].startswith("There is already a value for this date")
    future = (date.today() + timedelta(days=2)).isoformat()
    response = submit(client, url, {"measured_on": future, "value": "41"})
    assert error_messages(response) == ["The date must be today or in the past"]


def test_a_value_can_be_deleted_and_the_deletion_is_logged(client):
    project = _signed_in_project(client)
    measure = _add_measure(client, project)
    url = f"/qi/{project.id}/measures/{measure.id}/values"
    submit(client, url, {"measured_on": "2026-01-05", "value": "40"})
    point = db.session.scalar(select(QIMeasureValue))
    response = submit(client, f"{url}/{point.id}/delete", {}, form_url=url)
    assert response.status_code == 302
    assert db.session.scalar(select(QIMeasureValue)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qi_value_deleted"))


def test_a_planned_cycle_needs_only_its_plan(client):
    project = _signed_in_project(client)
    url = f"/qi/{project.id}/cycles/new"
    assert page(client.get(url)).select_one("#number")["value"] == "1"
    response = submit(
        client,
        url,
        {
            "number": "1",
            "objective": "Redirect letters",
            "prediction": "Less GP time",
            "plan_what": "Two admin staff file no-action letters",
        },
    )
    assert response.status_code == 302
    cycle = db.session.scalar(select(PDSACycle))
    assert (cycle.stage, cycle.act, cycle.start_on) == ("Plan", None, None)


def test_writing_up_a_later_stage_asks_for_the_earlier_ones_beside_each_field(client):
    project = _signed_in_project(client)
    data = {
        "number": "1",
        "objective": "Redirect letters",
        "prediction": "Less GP time",
        "plan_what": "Pilot",
        "study_notes": "Time fell by 9 minutes",
        "act": "adopt",
    }
    response = submit(client, f"/qi/{project.id}/cycles/new", data)
    assert response.status_code == 422
    messages = error_messages(response)
    assert (
        "Enter the date the test started: you have written up the Act stage, which comes "
        "after it" in messages
    )
    assert "Say what you will do next" in messages
    soup = page(response)
    assert soup.select_one("#study_notes").text.strip() == "Time fell by 9 minutes"
    assert soup.select_one("#act-1").has_attr("checked")  # adopt is still chosen
    assert db.session.scalar(select(PDSACycle)) is None


def test_cycle_dates_must_be_in_order_and_numbers_unique(client):
    project = _signed_in_project(client)
    plan = {"objective": "A", "prediction": "B", "plan_what": "C"}
    url = f"/qi/{project.id}/cycles/new"
    response = submit(
        client, url, {"number": "1", **plan, "start_on": "2026-03-10", "end_on": "2026-03-01"}
    )
    assert error_messages(response) == ["The end date must be the same as or after the start date"]
    assert submit(client, url, {"number": "1", **plan}).status_code == 302
    again = submit(client, url, {"number": "1", **plan})
    assert error_messages(again) == ["This project already has a cycle with this number"]


def test_a_cycle_is_updated_as_it_progresses(client):
    project = _signed_in_project(client)
    plan = {"number": "1", "objective": "A", "prediction": "B", "plan_what": "C"}
    submit(client, f"/qi/{project.id}/cycles/new", plan)
    cycle = db.session.scalar(select(PDSACycle))
    url = f"/qi/{project.id}/cycles/{cycle.id}/edit"
    done = {
        **plan,
        "start_on": "2026-03-01",
        "end_on": "2026-03-14",
        "do_notes": "Ran",
        "study_notes": "Worked",
        "act": "scale_up",
        "next_steps": "All GPs",
    }
    assert submit(client, url, done).status_code == 302
    db.session.refresh(cycle)
    assert (cycle.stage, cycle.act) == ("Act", "scale_up")
    project_page = page(client.get(f"/qi/{project.id}")).get_text(" ", strip=True)
    assert "Stage reached: Act" in project_page and "Scale up" in project_page


def test_recording_a_value_moves_the_project_up_the_list(client):
    """Lists sort by last change: a new value counts as a change to its project."""
    project = _signed_in_project(client)
    measure = _add_measure(client, project)
    project.updated_at = project.updated_at.replace(year=2020)
    db.session.commit()
    url = f"/qi/{project.id}/measures/{measure.id}/values"
    submit(client, url, {"measured_on": "2026-01-05", "value": "40"})
    db.session.refresh(project)
    assert project.updated_at.year > 2020
