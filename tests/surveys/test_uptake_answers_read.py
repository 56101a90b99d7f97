"""compute_uptake parses each latest version's JSON once in Python (issue 22, for speed) instead
of having the database extract every answer. On SQLite and PostgreSQL alike, the frame it
builds must be the one the database's own extraction gives (`queries.answers_frame`, lists
decoded), and an answer the databases turn into text differently must make it ask the
database instead."""

import gc
import json
from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys import queries
from pact_feedback.surveys.figures import _as_list, answers_from_json, compute_uptake
from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion
from tests.surveys.helpers import collections_inside, surveyed_study

CODES = ("discussed", "used_for_qi", "useful", "respondent_role", "seen_by", "barriers")
MULTIPLE = {"seen_by": [], "barriers": []}
SAVED = datetime(2026, 5, 1, 9)


def _answer(wave, practice, *versions, submitted=True):
    response = SurveyResponse(
        wave_id=wave.id,
        practice_id=practice.id,
        created_at=SAVED,
        submitted_at=SAVED if submitted else None,
    )
    db.session.add(response)
    db.session.flush()
    for number, answers in enumerate(versions, start=1):
        db.session.add(
            SurveyResponseVersion(
                response_id=response.id,
                number=number,
                answers=answers,
                submitted=submitted,
                saved_at=SAVED,
            )
        )


def _by_the_database(survey):
    frame = queries.answers_frame(survey, codes=CODES)
    for code in MULTIPLE:
        frame[code] = frame[code].map(_as_list)
    return frame


def _round(extra=None):
    study, survey, practices = surveyed_study(7)
    one, two = survey.waves[0], survey.waves[1]
    _answer(one, practices[0], {"discussed": "no"}, {"discussed": "yes", "useful": 4})
    _answer(one, practices[1], {"discussed": "planning", "seen_by": ["pcn", "only_me"]})
    _answer(one, practices[2], {"used_for_qi": "yes", "seen_by": [], "useful": None})
    _answer(one, practices[3], {"discussed": 'déjà "vu"', "respondent_role": "nurse"})
    _answer(one, practices[4], {})
    _answer(one, practices[5], {"discussed": "yes"}, submitted=False)  # not counted
    _answer(two, practices[0], {"discussed": "yes", "useful": "5", "barriers": ["time"]})
    _answer(two, practices[6], extra or {"useful": 12345, "used_for_qi": "no"})
    db.session.commit()
    return study, survey


def test_parsed_answers_are_the_databases_own_extraction(ctx):
    study, survey = _round()
    rows = queries.answers_json(survey)
    parsed = answers_from_json(rows, CODES, MULTIPLE)
    expected = _by_the_database(survey)
    assert parsed is not None and len(parsed) == 7
    pd.testing.assert_frame_equal(parsed, expected, check_exact=True)
    assert parsed["seen_by"].tolist()[:3] == [None, ["pcn", "only_me"], []]
    assert parsed["useful"].tolist() == ["4", None, None, None, None, "5", "12345"]
    assert compute_uptake(study, survey, 1).tables["discussed"]["n"].tolist() == [1, 1, 0, 2]


def test_rows_picked_and_ordered_in_python_are_the_databases(ctx):
    """Given the practices sent a report, answers_json picks and orders the rows itself: the
    rows the database picks and orders, a practice no longer sent a report left out."""
    study, survey = _round()
    enrolment = db.session.scalar(
        select(Enrolment).filter_by(study_id=study.id).order_by(Enrolment.practice_id).limit(1)
    )
    enrolment.report_sent_on = None
    db.session.commit()
    sent = queries.sent_frame(study)["practice_id"].to_numpy()
    expected = queries.answers_json(survey)
    assert len(sent) == 6 and len(expected) == 5
    assert queries.answers_json(survey, sent_ids=sent) == expected
    assert queries.answers_json(survey, sent_ids=[]) == []


def test_answers_each_database_writes_its_own_way_are_left_to_it(ctx):
    for unusual in ({"discussed": True}, {"used_for_qi": 2.5}, {"discussed": {"a": 1}}):
        study, survey = _round(unusual)
        rows = queries.answers_json(survey)
        assert answers_from_json(rows, CODES, MULTIPLE) is None, unusual
        assert compute_uptake(study, survey, 1).summary["n_responded"] == 5


def test_negative_zero_and_huge_numbers_as_text_are_left_to_the_database():
    rows = [(1, 1, '{"useful": -0}'), (2, 1, '{"useful": 1}')]
    assert answers_from_json(rows, ("useful",), {}) is None
    assert answers_from_json([(1, 1, '{"useful": 12345678901234567}')], ("useful",), {}) is None
    assert (
        answers_from_json([(1, 1, '{"seen_by": ["a", 1]}')], ("seen_by",), {"seen_by": []}) is None
    )
    assert answers_from_json([(1, 1, "[]")], ("useful",), {}) is None
    assert answers_from_json([], ("useful",), {}) is None
    frame = answers_from_json([(1, 2, '{"useful": 3}'), (2, 2, None)], ("useful",), {})
    assert frame.to_dict("list") == {"practice_id": [1, 2], "wave": [2, 2], "useful": ["3", None]}


def test_numbers_are_read_in_c_unless_a_zero_needs_its_digits():
    """Numbers are decoded without a Python call each; a 0 sends the texts back through the
    digit check (it alone tells "0" from "-0"), and a number in an answer not tabulated is
    left alone (the database is not asked about it either)."""
    zero = answers_from_json([(1, 1, '{"useful": 0}'), (2, 1, '{"useful": 2}')], ("useful",), {})
    assert zero["useful"].tolist() == ["0", "2"]
    assert (
        answers_from_json([(1, 1, '{"useful": 0}'), (2, 1, '{"useful": -0}')], ("useful",), {})
        is None
    )
    rows = [(1, 1, '{"useful": 4, "note": -0, "big": 12345678901234567}')]
    assert answers_from_json(rows, ("useful",), {})["useful"].tolist() == ["4"]
    assert answers_from_json([(1, 1, '{"useful": -123456789012345}')], ("useful",), {}) is None
    fifteen = answers_from_json([(1, 1, '{"useful": -12345678901234}')], ("useful",), {})
    assert fifteen["useful"].tolist() == ["-12345678901234"]


def test_texts_decoded_together_are_each_one_value():
    """The rows' JSON is decoded in one call as one array; a text that is not exactly one JSON
    value still fails as it would alone, even where the texts together would make an array."""
    frame = answers_from_json(
        [(1, 1, '{"discussed": "yes"}'), (2, 1, ' {"discussed": "no"} ')], ("discussed",), {}
    )
    assert frame["discussed"].tolist() == ["yes", "no"]
    for texts in (['{"discussed": "yes"}, {"discussed": "no"}', "{}"], ['{"a": ["x"', '"y"]}']):
        rows = [(n, 1, text) for n, text in enumerate(texts, start=1)]
        with pytest.raises(json.JSONDecodeError):
            answers_from_json(rows, ("discussed",), {})


def test_practices_sent_a_report_are_read_as_read_sql_reads_them(ctx):
    """sent_frame builds its frame from the driver's rows: the frame pandas' read_sql gives,
    with and without practices."""
    study, _ = _round()
    nobody, _, _ = surveyed_study(0)
    for sent, expected_rows in ((study, 7), (nobody, 0)):
        frame = queries.sent_frame(sent)
        expected = pd.read_sql(queries._sent_query(sent), db.session.connection())
        assert len(frame) == expected_rows
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)


def test_scale_answers_are_counted_by_their_whole_number():
    """A 1-5 answer saved as text that is not the number's own digits ("03") is counted as
    that number; answers already as digits are left as they are."""
    from pact_feedback.surveys.figures import _each_distinct

    digits = pd.Series(["3", None, "5"], dtype=object)
    assert _each_distinct(digits, lambda v: str(int(v))) is digits
    padded = pd.Series(["03", None, 5], dtype=object)
    assert _each_distinct(padded, lambda v: str(int(v))).tolist() == ["3", None, "5"]


def test_figures_are_worked_out_without_cycle_collections(ctx):
    """The rows, answers and frames are alive until the figures are done and in no cycle:
    the collector is paused meanwhile (it walked them, and the whole app, for nothing) and
    runs again afterwards."""
    study, survey = _round()
    inside, outside = collections_inside(
        "answers_from_json", lambda: compute_uptake(study, survey, 1)
    )
    assert not inside
    assert gc.isenabled() and outside
