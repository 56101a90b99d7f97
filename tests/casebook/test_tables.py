"""Record-audit tables on ten-row frames: counts, denominators, Wilson intervals, kappa."""

import math

import pandas as pd
import pytest

from pact_feedback.casebook.tables import cohens_kappa, national_tables
from pact_feedback.surveys.definitions import ChoiceSpec, QuestionSpec

RESULT = QuestionSpec(
    "result", "Result", "single", choices=(ChoiceSpec("normal", "Normal"), ChoiceSpec("ab", "Ab"))
)
REASONS = QuestionSpec(
    "reasons",
    "Reasons",
    "multiple",
    choices=(ChoiceSpec("symptoms", "Symptoms"), ChoiceSpec("monitoring", "Monitoring")),
)
WHO = QuestionSpec(
    "who", "Who", "single", choices=(ChoiceSpec("gp", "GP"), ChoiceSpec("nurse", "Nurse"))
)


def _cases():
    rows = [
        ("England", {"result": "normal", "reasons": ["symptoms"], "who": "gp"}),
        ("England", {"result": "normal", "reasons": ["symptoms", "monitoring"], "who": "gp"}),
        ("England", {"result": "ab", "reasons": ["monitoring"], "who": "nurse"}),
        ("Wales", {"result": "ab", "reasons": ["symptoms"], "who": "gp"}),
        ("Wales", {"reasons": ["symptoms"], "who": "nurse"}),  # result not answered
    ]
    return pd.DataFrame(rows, columns=["nation", "answers"])


def _row(frame, breakdown, group, question, choice):
    found = frame[
        (frame.breakdown == breakdown)
        & (frame.group == group)
        & (frame.question == question)
        & (frame.choice == choice)
    ]
    assert len(found) == 1
    return found.iloc[0]


def test_overall_counts_use_cases_answering_the_question_as_denominator():
    frame = national_tables(_cases(), [RESULT, REASONS, WHO], by=None)

    normal = _row(frame, "all", "All", "result", "normal")
    assert (normal.n, normal.N) == (2, 4) and normal.percent == 50.0
    symptoms = _row(frame, "all", "All", "reasons", "symptoms")
    monitoring = _row(frame, "all", "All", "reasons", "monitoring")
    # Several answers per case: 80% + 40% is more than 100%.
    assert (symptoms.n, symptoms.N, monitoring.n) == (4, 5, 2)
    assert symptoms.percent == 80.0


def test_wilson_interval_matches_the_formula():
    frame = national_tables(_cases(), [RESULT], by=None)
    row = _row(frame, "all", "All", "result", "normal")
    # Wilson 95% for 2 of 4: 15.0% to 85.0% (to one decimal).
    assert round(row.ci_low, 1) == 15.0 and round(row.ci_high, 1) == 85.0


def test_breakdowns_by_nation_and_by_a_question_include_empty_cells():
    by_nation = national_tables(_cases(), [RESULT, WHO], by="nation")
    wales = _row(by_nation, "nation", "Wales", "result", "normal")
    assert (wales.n, wales.N) == (0, 1)

    by_who = national_tables(_cases(), [RESULT, WHO], by="who")
    nurse = _row(by_who, "who", "nurse", "result", "ab")
    assert (nurse.n, nurse.N) == (1, 1)


def test_cohens_kappa_on_a_textbook_table():
    """Agreement 0.7 with chance agreement 0.5 gives kappa 0.4."""
    first = ["yes"] * 25 + ["yes"] * 25 + ["no"] * 5 + ["no"] * 45
    second = ["yes"] * 25 + ["no"] * 25 + ["yes"] * 5 + ["no"] * 45
    # po = (25 + 45) / 100 = 0.7; pe = 0.5 * 0.3 + 0.5 * 0.7 = 0.5
    result = cohens_kappa(first, second)

    assert result["kappa"] == pytest.approx(0.4)
    se = math.sqrt(0.7 * 0.3 / (100 * 0.25))
    assert result["ci_low"] == pytest.approx(0.4 - 1.959963984540054 * se)


def test_kappa_without_pairs_or_with_one_category_is_empty():
    assert cohens_kappa([], [])["kappa"] is None
    assert cohens_kappa(["a", "a"], ["a", "a"])["kappa"] is None
