"""A practice lead answers the uptake survey: drafts, submission, versions, closed waves,
validation beside each question, and privacy between practices."""

from sqlalchemy import select

from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.surveys.models import SurveyResponse
from tests.conftest import error_messages, login, page, submit
from tests.surveys.helpers import (
    answer_url,
    close_wave,
    lead_of,
    surveyed_study,
    team_member,
)

GOOD = {
    "action": "submit",
    "q_discussed": "yes",
    "q_used_for_qi": "planning",
    "q_seen_by": ["gp_partners", "clinical_team"],
    "q_where_discussed": "practice_meeting",
    "q_kind_of_use": "qi_project",
    "q_change": "Letters go to a trained administrator first",
    "q_change_by_day": "31",
    "q_change_by_month": "3",
    "q_change_by_year": "2027",
    "q_useful": "4",
}


def _response(practice):
    return db.session.scalar(select(SurveyResponse).filter_by(practice_id=practice.id))


def test_form_renders_every_question_type(client):
    """The one renderer shows radios, checkboxes, a 1-5 scale, a text box and a date."""
    study, survey, (practice, _) = surveyed_study()
    login(client, lead_of(practice))
    html = page(client.get(answer_url(practice, study)))
    assert len(html.select("input[type=radio][name=q_discussed]")) == 3
    assert len(html.select("input[type=checkbox][name=q_seen_by]")) == 6
    assert [i["value"] for i in html.select("input[name=q_useful]")] == ["1", "2", "3", "4", "5"]
    assert html.select_one("textarea[name=q_change]") is not None
    assert html.select_one("input[name=q_change_by_year]") is not None
    shown_if = html.select_one("[data-show-if-question=q_used_for_qi]")
    assert "Answer this if you answered ‘Yes’ or ‘Planning to’ to question 2" in shown_if.text


def test_submit_saves_a_version_with_who_and_when(client):
    """Submitting stores the answers as version 1, by the lead, and counts the response."""
    study, survey, (practice, _) = surveyed_study()
    lead = lead_of(practice)
    login(client, lead)
    response = submit(client, answer_url(practice, study), GOOD)
    assert response.status_code == 302
    saved = _response(practice)
    assert saved.submitted_at is not None
    version = saved.latest
    assert version.number == 1 and version.submitted and version.saved_by_id == lead.id
    assert version.answers["seen_by"] == ["gp_partners", "clinical_team"]
    assert version.answers["change_by"] == "2027-03-31"
    assert version.answers["useful"] == 4
    assert db.session.scalar(select(AuditEvent).filter_by(action="survey_response_submitted"))


def test_draft_then_submit_keeps_every_version(client):
    """A draft needs no required answers; each later save adds a version, none is lost."""
    study, survey, (practice, _) = surveyed_study()
    login(client, lead_of(practice))
    url = answer_url(practice, study)
    assert submit(client, url, {"action": "draft", "q_useful": "2"}).status_code == 302
    draft = _response(practice)
    assert draft.submitted_at is None and draft.latest.answers == {"useful": 2}
    assert (
        "Continue your answers" in page(client.get(f"/practices/{practice.ods_code}/surveys")).text
    )
    assert submit(client, url, GOOD).status_code == 302
    assert submit(client, url, {**GOOD, "q_discussed": "no"}).status_code == 302
    db.session.expire_all()
    versions = _response(practice).versions
    assert [
        (v.number, v.submitted, v.answers["discussed"] if v.answers.get("discussed") else None)
        for v in versions
    ] == [(1, False, None), (2, True, "yes"), (3, True, "no")]
    history = page(client.get(url)).select("table tbody tr")
    assert len(history) == 3


def test_missing_required_answers_show_beside_questions_and_keep_input(client):
    """422: each message sits beside its question and in the summary; typed text stays."""
    study, survey, (practice, _) = surveyed_study()
    login(client, lead_of(practice))
    response = submit(
        client,
        answer_url(practice, study),
        {
            "action": "submit",
            "q_used_for_qi": "yes",
            "q_change": "Half-written idea",
            "q_change_by_day": "31",
            "q_change_by_month": "2",
            "q_change_by_year": "2027",
        },
    )
    assert response.status_code == 422
    assert error_messages(response) == [
        "Select an answer",
        "Enter a real date, for example 31 3 2027",
    ]
    html = page(response)
    summary = [a.text for a in html.select(".nhsuk-error-summary a")]
    assert summary == [
        "Question 1: Select an answer",
        "‘By when did you make it, or do you plan to?’: Enter a real date, for example 31 3 2027",
    ]
    assert html.select_one(".nhsuk-error-summary a")["href"] == "#q_discussed-yes"
    assert html.select_one("#q_discussed-yes") is not None
    assert html.select_one("textarea[name=q_change]").text == "Half-written idea"
    assert html.select_one("#q_change_by_day")["value"] == "31"
    assert html.select_one("#q_used_for_qi-yes").has_attr("checked")
    assert html.title.text.startswith("Error:")
    assert _response(practice) is None


def test_hidden_question_is_not_required_and_its_answer_dropped(client):
    """Show-if: an answer to a question that does not apply is not stored."""
    study, survey, (practice, _) = surveyed_study()
    login(client, lead_of(practice))
    data = {**GOOD, "q_discussed": "no", "q_used_for_qi": "no", "q_change_by_day": "99"}
    assert submit(client, answer_url(practice, study), data).status_code == 302
    answers = _response(practice).latest.answers
    assert "where_discussed" not in answers and "change" not in answers
    assert "change_by" not in answers and answers["discussed"] == "no"


def test_closed_wave_says_so_and_refuses_changes(client):
    """After closing, the lead sees a kind message and their answers; a late save gets 409."""
    study, survey, (practice, _) = surveyed_study()
    lead = lead_of(practice)
    login(client, lead)
    url = answer_url(practice, study)
    submit(client, url, GOOD)
    close_wave(survey.waves[0])
    response = client.get(url)
    text = page(response).get_text(" ", strip=True)
    assert response.status_code == 200
    assert "This survey wave closed on" in text and "reached the study team" in text
    assert page(response).select_one("form[method=post] textarea") is None
    late = submit(client, url, {**GOOD, "q_discussed": "no"}, form_url="/")
    assert late.status_code == 409
    db.session.expire_all()
    assert _response(practice).latest.answers["discussed"] == "yes"


def test_another_practice_response_is_never_visible(app, client):
    """A lead of one practice gets 404 for the other practice's survey pages."""
    study, survey, (practice, other) = surveyed_study()
    other_lead = lead_of(other)
    other_client = app.test_client()
    login(other_client, other_lead)
    submit(other_client, answer_url(other, study), GOOD)
    login(client, lead_of(practice))
    assert client.get(answer_url(other, study)).status_code == 404
    assert client.get(f"/practices/{other.ods_code}/surveys").status_code == 404
    own = page(client.get(answer_url(practice, study)))
    assert own.select_one("#q_discussed-yes").has_attr("checked") is False


def test_practice_not_sent_a_report_is_not_asked(client):
    """No report sent: the wave is not offered and its page does not exist for the practice."""
    study, survey, (practice,) = surveyed_study(1, sent=False)
    login(client, lead_of(practice))
    listing = page(client.get(f"/practices/{practice.ods_code}/surveys")).text
    assert "There are no surveys for your practice yet" in listing
    assert client.get(answer_url(practice, study)).status_code == 404


def test_study_team_reads_answers_but_cannot_answer(app, client):
    """The study team sees the answers and versions, without a form."""
    study, survey, (practice, _) = surveyed_study()
    lead_client = app.test_client()
    login(lead_client, lead_of(practice))
    submit(lead_client, answer_url(practice, study), GOOD)
    login(client, team_member())
    html = page(client.get(answer_url(practice, study)))
    assert html.select_one("button[value=submit]") is None
    answers = [dd.text for dd in html.select(".nhsuk-summary-list__value")]
    assert answers[:3] == ["Yes", "Planning to", "GP partners, The clinical team"]
