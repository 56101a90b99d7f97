"""The statistics page, its CSV and the API's JSON, byte for byte, from the figures as worked
out now (answers parsed in Python, counted in arrays, breakdown rows read without frames) and
as before issue 22 (each answer extracted by the database, every table its own pandas
groupby: the reference in tests/tabulation/test_uptake_equivalence.py, rendered from frames),
on a realistic round: every kind of question, missing, unexpected and second-version answers,
nations with small regions (so groups are withheld), two waves."""

import random
import re
from datetime import datetime

import pytest

from pact_feedback.api.tokens import create_token
from pact_feedback.extensions import db
from pact_feedback.surveys import figures, queries
from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion
from pact_feedback.tabulation.uptake import Uptake
from tests.conftest import login
from tests.surveys.helpers import surveyed_study, team_member
from tests.tabulation.test_uptake_equivalence import ref_tabulate

SAVED = datetime(2026, 5, 1, 9)
NATIONS = ["England", "Wales", "Scotland", "Northern Ireland"]


def _reference_uptake(study, survey, number):
    """`figures._uptake` as it was: the database's own extraction, the reference tabulation."""
    tabulated = figures.tabulated_questions(survey)
    multiple = {
        q.code: [(c.code, c.label) for c in q.choices]
        for q in survey.questions
        if q.type == "multiple"
    }
    role = next(q for q in survey.questions if q.code == figures.ROLE_QUESTION)
    codes = tuple(dict.fromkeys((*tabulated, figures.ROLE_QUESTION, *multiple)))
    answers = queries.answers_frame(survey, codes=codes)
    for code in multiple:
        answers[code] = answers[code].map(figures._as_list)
    for code, choices in tabulated.items():
        if choices is figures.SCALE:
            answers[code] = answers[code].map(lambda v: None if v is None else str(int(v)))
    labels = {c.code: c.label for c in role.choices}
    old = ref_tabulate(queries.sent_frame(study), answers, number, tabulated, labels, multiple)
    result = Uptake(
        wave=number,
        summary=old["summary"],
        tables=old["tables"],
        headlines=old["headlines"],
        movements=old["movements"],
        movement_from=old["movement_from"],
        latest=old["latest"],
    )
    for key, frame in old["breakdowns"].items():
        result.breakdowns[key] = frame
    return result


def _answers(rnd, survey):
    answers = {}
    for question in survey.questions:
        roll = rnd.random()
        if roll < 0.08:
            continue  # not answered
        choices = [c.code for c in question.choices]
        if question.type == "multiple":
            answers[question.code] = rnd.sample(choices, rnd.randint(0, 3))
        elif question.type == "scale_1_5":
            answers[question.code] = rnd.choice([1, 2, 3, 4, 5, 5, "3", 7, None])
        elif question.type == "single":
            answers[question.code] = rnd.choice(
                [*choices, *(["unexpected"] if roll > 0.97 else [])]
            )
        else:
            answers[question.code] = rnd.choice(["text", ""])
    return answers


@pytest.fixture
def realistic(ctx):
    rnd = random.Random(22)
    study, survey, practices = surveyed_study(90)
    for n, practice in enumerate(practices):
        practice.nation = NATIONS[n % 4] if n % 17 else "Wales"
        practice.region = rnd.choice(["North", "South", "East", f"Small {n % 7}", " "])
        practice.list_size = rnd.choice([2500, 6000, 11000, 16000])
        practice.imd_decile = rnd.randint(1, 10)
    for wave in survey.waves[:2]:
        for practice in practices:
            if rnd.random() < 0.15:
                continue
            response = SurveyResponse(
                wave_id=wave.id,
                practice_id=practice.id,
                created_at=SAVED,
                submitted_at=SAVED if rnd.random() < 0.95 else None,
            )
            db.session.add(response)
            db.session.flush()
            for number in range(1, rnd.choice([1, 1, 2]) + 1):
                db.session.add(
                    SurveyResponseVersion(
                        response_id=response.id,
                        number=number,
                        answers=_answers(rnd, survey),
                        submitted=True,
                        saved_at=SAVED,
                    )
                )
    db.session.commit()
    return study


def _outputs(client, study, token) -> dict:
    out = {}
    for wave in (1, 2):
        for name, url, headers in (
            ("page", f"/studies/{study.slug}/uptake?wave={wave}", {}),
            ("csv", f"/studies/{study.slug}/uptake.csv?wave={wave}", {}),
            ("api", f"/api/v1/studies/{study.slug}/uptake?wave={wave}", token),
        ):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            # Each response has its own nonce and form token; the figures are the rest.
            body = response.get_data()
            out[(name, wave)] = re.sub(rb'(nonce="|name="csrf_token" value=")[^"]*', rb"\1", body)
    return out


def test_page_csv_and_api_are_the_reference_figures_byte_for_byte(client, realistic, monkeypatch):
    member = team_member()
    login(client, member)
    _, secret = create_token(member, "analysis", by=member)
    db.session.commit()
    token = {"Authorization": f"Bearer {secret}"}

    now = _outputs(client, realistic, token)
    monkeypatch.setattr(figures, "_uptake", _reference_uptake)
    before = _outputs(client, realistic, token)

    assert now.keys() == before.keys()
    for key, body in before.items():
        assert now[key] == body, key
    page = now[("page", 2)].decode()
    assert "Withheld (small group)" in page and "now say yes" in page
