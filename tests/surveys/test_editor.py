"""The study team edits the survey in the web UI: questions, choices, show-if, order, JSON
export and import, and wave dates."""

import io
import json

from pact_feedback.extensions import db
from pact_feedback.surveys import queries
from tests.conftest import error_messages, login, page, submit
from tests.surveys.helpers import surveyed_study, team_member

NEW = {
    "code": "meeting_count",
    "text": "How many meetings discussed it?",
    "type": "single",
    "choices": "one | One\ntwo | Two or more",
    "show_if_question": "discussed",
    "show_if_choices": "yes",
}


def _signed_in_team(client):
    study, survey, practices = surveyed_study()
    login(client, team_member(study))
    return study, survey


def _codes(survey):
    db.session.expire_all()
    return [q.code for q in queries.survey_for(survey.study).questions]


def test_add_question_with_choices_and_show_if(client):
    study, survey = _signed_in_team(client)
    response = submit(client, f"/studies/{study.slug}/survey/questions/new", NEW)
    assert response.status_code == 302
    question = queries.survey_for(study).questions[-1]
    assert question.code == "meeting_count" and question.position == 14
    assert [(c.code, c.label) for c in question.choices] == [("one", "One"), ("two", "Two or more")]
    assert question.show_if == {"question": "discussed", "choices": ["yes"]}


def test_bad_question_shows_errors_beside_fields(client):
    """Duplicate code, too few choices and an unknown show-if choice: 422, nothing saved."""
    study, survey = _signed_in_team(client)
    data = {**NEW, "code": "barriers", "choices": "one | One", "show_if_choices": "maybe"}
    response = submit(client, f"/studies/{study.slug}/survey/questions/new", data)
    assert response.status_code == 422
    messages = error_messages(response)
    assert "Code is used by another question" in messages
    assert "Give at least 2 choices" in messages
    assert "Show-if choices not in discussed: maybe" in messages
    assert len(_codes(survey)) == 13


def test_edit_keeps_code_and_fixed_choices(client):
    """Rewording works; removing `planning` from a fixed question is refused."""
    study, survey = _signed_in_team(client)
    url = f"/studies/{study.slug}/survey/questions/discussed"
    form = page(client.get(url))
    assert form.select_one("#choices").text.strip().startswith("yes | Yes")
    data = {
        "text": "Have you discussed it?",
        "type": "single",
        "required": "y",
        "choices": "yes | Yes\nplanning | Planning\nno | No",
        "code": "renamed",
    }
    saved = submit(client, url, data)
    assert saved.status_code == 302, error_messages(saved)
    question = queries.survey_for(study).questions[0]
    assert (question.code, question.text) == ("discussed", "Have you discussed it?")
    refused = submit(client, url, {**data, "choices": "yes | Yes\nno | No"})
    assert refused.status_code == 422
    assert any("must keep the choices yes, planning, no" in m for m in error_messages(refused))


def test_reorder_and_refuse_breaking_show_if(client):
    """Moving a question up swaps it; moving a show-if question above its condition is refused."""
    study, survey = _signed_in_team(client)
    base = f"/studies/{study.slug}/survey/questions"
    submit(
        client, f"{base}/seen_by/move", {"value": "up"}, form_url=f"/studies/{study.slug}/survey"
    )
    assert _codes(survey)[:3] == ["discussed", "seen_by", "used_for_qi"]
    move = {"value": "down"}
    manage = f"/studies/{study.slug}/survey"
    submit(client, f"{base}/used_for_qi/move", move, form_url=manage)
    assert _codes(survey)[:5] == [
        "discussed",
        "seen_by",
        "where_discussed",
        "used_for_qi",
        "kind_of_use",
    ]
    response = submit(
        client, f"{base}/used_for_qi/move", move, form_url=manage, follow_redirects=True
    )
    assert "show-if must name a question that comes before this one" in page(response).text
    assert _codes(survey)[3:5] == ["used_for_qi", "kind_of_use"]


def test_fixed_questions_cannot_be_deleted_others_can(client):
    study, survey = _signed_in_team(client)
    base = f"/studies/{study.slug}/survey/questions"
    response = submit(client, f"{base}/discussed/delete", {}, follow_redirects=True)
    assert "must keep the question discussed" in page(response).text
    assert submit(client, f"{base}/barriers/delete", {}).status_code == 302
    codes = _codes(survey)
    assert "discussed" in codes and "barriers" not in codes


def test_export_then_import_round_trip_and_bad_file_imports_nothing(client):
    study, survey = _signed_in_team(client)
    exported = client.get(f"/studies/{study.slug}/survey/export.json")
    data = json.loads(exported.get_data(as_text=True))
    assert data["format_version"] == 1 and data["questions"][0]["code"] == "discussed"
    data["questions"] = [q for q in data["questions"] if q["code"] != "barriers"]
    data["questions"][2]["text"] = "Who has read the report?"
    url = f"/studies/{study.slug}/survey/import"

    def upload(payload):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return submit(
            client,
            url,
            {"json_file": (io.BytesIO(body), "survey.json")},
            content_type="multipart/form-data",
        )

    assert upload(data).status_code == 302
    survey = queries.survey_for(study)
    assert "barriers" not in _codes(survey)
    assert queries.survey_for(study).questions[2].text == "Who has read the report?"
    bad = json.loads(json.dumps(data))
    bad["questions"] = [q for q in bad["questions"] if q["code"] != "used_for_qi"]
    bad["questions"][1]["type"] = "colour"
    response = upload(bad)
    assert response.status_code == 422
    problems = [li.text for li in page(response).select("#import-problems li")]
    assert any("type must be one of" in p for p in problems)
    assert any("must keep the question used_for_qi" in p for p in problems)
    assert "used_for_qi" in _codes(survey)
    assert upload(b"{not json").status_code == 422


def test_wave_dates_must_follow_one_another(client):
    study, survey = _signed_in_team(client)
    first, second = survey.waves
    url = f"/studies/{study.slug}/survey/waves/2"
    overlapping = {"opens_on": first.closes_on.isoformat(), "closes_on": "2099-01-01"}
    response = submit(client, url, overlapping)
    assert response.status_code == 422
    assert error_messages(response)[0].startswith("Wave 2 must open after wave 1 closes")
    backwards = {"opens_on": "2099-02-01", "closes_on": "2099-01-01"}
    assert "The closing date must be on or after the opening date" in error_messages(
        submit(client, url, backwards)
    )
    assert (
        submit(client, url, {"opens_on": "2099-01-01", "closes_on": "2099-01-31"}).status_code
        == 302
    )
    added = submit(
        client,
        f"/studies/{study.slug}/survey/waves/new",
        {"opens_on": "2099-03-01", "closes_on": "2099-03-31"},
    )
    assert added.status_code == 302
    db.session.expire_all()
    assert [w.number for w in queries.survey_for(study).waves] == [1, 2, 3]
