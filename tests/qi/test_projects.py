"""Practice members start projects (blank, from an outline, from a report finding) and edit them."""

from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.qi.models import QIProject
from tests.conftest import error_messages, login, make_practice, make_study, make_user, page, submit
from tests.qi.helpers import make_project, make_report


def _lead_world():
    practice = make_practice()
    study = make_study(practices=[practice], status="reports_released")
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    return practice, study, lead


def _form_values(response) -> dict:
    form = page(response).select_one("main form[method=post]")
    values = {}
    for field in form.select("input, textarea"):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values.setdefault(name, []).append(field["value"])
        else:
            # A browser drops the newline that opens a <textarea>; html.parser keeps it.
            text = field.text.removeprefix("\r\n").removeprefix("\n")
            values[name] = text if field.name == "textarea" else field.get("value", "")
    return values


def test_lead_starts_a_project_from_a_report_finding_prefilled(client):
    """The form opens with the aim, baseline, comparison and the suggested outcome measure."""
    practice, study, lead = _lead_world()
    report = make_report(study, practice)
    login(client, lead)
    url = f"/practices/{practice.ods_code}/qi/new?report={report.id}&category=B1"
    response = client.get(url)
    assert response.status_code == 200
    text = page(response).get_text(" ", strip=True)
    comparator = report.payload["comparator"]["by_category"]["values"]["B1"]
    assert f"{comparator:g} minutes per clinician per day (the similar practice)" in text
    values = _form_values(response)
    assert values["title"] == "Time on test results"
    assert values["aim_what"].startswith("Reduce the time our clinicians spend on test results")
    assert values["add_suggestions"] == ["measure-0"]
    assert "Minutes per clinician per day on Test results" in text

    response = submit(client, url, values)
    assert response.status_code == 302
    project = db.session.scalar(select(QIProject))
    assert (project.practice_id, project.owner_id, project.report_id) == (
        practice.id,
        None,
        report.id,
    )
    assert (project.finding_category, project.finding_baseline) == ("B1", comparator)
    assert project.finding_comparison == report.payload["network"]["by_category"]["values"]["B1"]
    assert [m.name for m in project.measures] == ["Minutes per clinician per day on Test results"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qi_project_created"))
    assert event.actor_id == lead.id and event.details["report_id"] == report.id


def test_report_of_another_practice_or_unreleased_cannot_prefill(client):
    practice, study, lead = _lead_world()
    other = make_practice()
    other_report = make_report(study, other)
    draft = make_report(study, practice, status="draft")
    login(client, lead)
    base = f"/practices/{practice.ods_code}/qi/new"
    assert client.get(f"{base}?report={other_report.id}&category=B1").status_code == 404
    assert client.get(f"{base}?report={draft.id}&category=B1").status_code == 404
    released = make_report(study, practice)
    assert client.get(f"{base}?report={released.id}&category=ZZ").status_code == 404
    assert client.get(f"{base}?report=abc&category=B1").status_code == 404


def test_participant_starts_a_private_project_from_their_own_report(client):
    practice, study, _ = _lead_world()
    gp = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    other_gp = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    mine = make_report(study, practice, kind="participant", user=gp)
    theirs = make_report(study, practice, kind="participant", user=other_gp)
    login(client, gp)
    assert client.get(f"/my/qi/new?report={theirs.id}&category=B1").status_code == 404
    url = f"/my/qi/new?report={mine.id}&category=B1"
    response = submit(client, url, _form_values(client.get(url)))
    assert response.status_code == 302
    project = db.session.scalar(select(QIProject))
    assert project.owner_id == gp.id and project.practice_id is None
    assert project.finding_baseline_source == "your own diary"
    assert "Time on test results" in client.get("/my/qi").get_data(as_text=True)


def test_outline_is_copied_with_its_measures_and_first_cycle(client):
    practice, _, lead = _lead_world()
    login(client, lead)
    url = f"/practices/{practice.ods_code}/qi/new?outline=after"
    values = _form_values(client.get(url))
    assert values["title"] == "Reduce GP time on correspondence by redirecting letters"
    assert values["add_suggestions"] == ["measure-0", "measure-1", "measure-2", "cycle"]
    values["add_suggestions"] = ["measure-0", "cycle"]  # the team keeps only what it wants
    assert submit(client, url, values).status_code == 302
    project = db.session.scalar(select(QIProject))
    assert [m.kind for m in project.measures] == ["outcome"]
    assert project.cycles[0].number == 1 and project.cycles[0].stage == "Plan"
    assert "cqc" in project.evidence_tags
    assert client.get(f"/practices/{practice.ods_code}/qi/new?outline=nope").status_code == 404


def test_missing_fields_are_explained_and_nothing_typed_is_lost(client):
    practice, _, lead = _lead_world()
    login(client, lead)
    url = f"/practices/{practice.ods_code}/qi/new"
    response = submit(client, url, {"title": "", "aim_what": "", "change_ideas": "Idea one"})
    assert response.status_code == 422
    assert error_messages(response) == [
        "Enter a title for the project",
        "Say what the project is trying to accomplish",
    ]
    assert page(response).select_one("#change_ideas").text.strip() == "Idea one"
    assert db.session.scalar(select(QIProject)) is None


def test_members_see_and_edit_the_practice_projects_list(client):
    practice, study, lead = _lead_world()
    project = make_project(practice=practice, title="Results workflow")
    gp = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
    login(client, gp)
    listing = client.get(f"/practices/{practice.ods_code}/qi")
    assert "Results workflow" in listing.get_data(as_text=True)
    form = _form_values(client.get(f"/qi/{project.id}/edit"))
    form.update(status="active", evidence_tags=["appraisal"], reflection="We learned a lot")
    assert submit(client, f"/qi/{project.id}/edit", form).status_code == 302
    db.session.refresh(project)
    assert (project.status, project.evidence_tags) == ("active", ["appraisal"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qi_project_updated"))
    assert set(event.details["fields"]) == {"status", "evidence_tags", "reflection"}


def test_practice_page_and_home_link_to_qi(client):
    practice, _, lead = _lead_world()
    login(client, lead)
    detail = client.get(f"/practices/{practice.ods_code}")
    assert page(detail).select_one(f"a[href='/practices/{practice.ods_code}/qi']")
    assert page(client.get("/")).select_one("a[href='/my/qi']")
