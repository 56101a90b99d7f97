"""A definition import never loses answers (issue 19, point 7): removing or retyping a question
that has answers is refused, naming each question and how many answers it holds."""

import io
import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.surveys.actions import SurveyError, apply_definition, save_response
from pact_feedback.surveys.definitions import definition_of, to_json
from pact_feedback.surveys.models import SurveyQuestion
from tests.conftest import login, page, submit
from tests.surveys.helpers import lead_of, surveyed_study, team_member


def _answered(n=2):
    study, survey, practices = surveyed_study(n)
    for practice in practices:
        save_response(
            survey.waves[0],
            practice,
            {"discussed": "yes", "used_for_qi": "no", "respondent_role": "practice_manager"},
            by=lead_of(practice),
            submit=True,
        )
    return study, survey


def test_removing_an_answered_question_is_refused_with_the_list(ctx):
    study, survey = _answered()
    definition = definition_of(survey)
    definition.questions = [q for q in definition.questions if q.code != "respondent_role"]
    with pytest.raises(SurveyError) as refusal:
        apply_definition(survey, definition, by=None, action="survey_imported")
    assert "respondent_role (2 answers, removed)" in str(refusal.value)
    db.session.rollback()
    codes = db.session.scalars(select(SurveyQuestion.code)).all()
    assert "respondent_role" in codes


def test_retyping_an_answered_question_is_refused(ctx):
    study, survey = _answered()
    definition = definition_of(survey)
    definition.questions = [
        replace(q, type="text", choices=()) if q.code == "respondent_role" else q
        for q in definition.questions
    ]
    with pytest.raises(SurveyError) as refusal:
        apply_definition(survey, definition, by=None, action="survey_imported")
    assert "respondent_role" in str(refusal.value) and "type" in str(refusal.value)


def test_web_import_without_the_question_says_which_and_keeps_the_export(client):
    study, survey = _answered(1)
    login(client, team_member(study))
    data = to_json(definition_of(survey))
    data["questions"] = [q for q in data["questions"] if q["code"] != "respondent_role"]
    upload = (io.BytesIO(json.dumps(data).encode()), "survey.json")
    response = submit(
        client,
        f"/studies/{study.slug}/survey/import",
        {"json_file": upload},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "respondent_role (1 answer, removed)" in page(response).get_text(" ", strip=True)
    assert "respondent_role" in db.session.scalars(select(SurveyQuestion.code)).all()


def test_an_unanswered_question_can_still_be_removed(ctx):
    study, survey, _ = surveyed_study(1)
    definition = definition_of(survey)
    definition.questions = [q for q in definition.questions if q.code != "respondent_role"]
    apply_definition(survey, definition, by=None, action="survey_imported")
    assert "respondent_role" not in db.session.scalars(select(SurveyQuestion.code)).all()
