"""The generic validator: one handler per question type, show-if honoured (hypothesis)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from pact_feedback.surveys.answers import is_shown, parse_answers, raw_from_answers
from pact_feedback.surveys.definitions import DEFAULT_QUESTIONS

QUESTIONS = list(DEFAULT_QUESTIONS)
BY_CODE = {q.code: q for q in QUESTIONS}


def _valid_answer(q):
    if q.type == "single":
        return st.sampled_from(q.choice_codes())
    if q.type == "multiple":
        return st.lists(st.sampled_from(q.choice_codes()), min_size=1, unique=True).map(
            lambda chosen: [c for c in q.choice_codes() if c in chosen]
        )
    if q.type == "scale_1_5":
        return st.integers(1, 5)
    if q.type == "text":
        return st.text(min_size=1, max_size=200).map(str.strip).filter(bool)
    return st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat)


valid_answers = st.fixed_dictionaries(
    {}, optional={q.code: _valid_answer(q) for q in QUESTIONS}
).map(lambda answers: _only_shown(answers))


def _only_shown(answers):
    kept = {}
    for q in QUESTIONS:
        if q.code in answers and is_shown(q, kept):
            kept[q.code] = answers[q.code]
    return kept


@settings(max_examples=150, deadline=None)
@given(valid_answers)
def test_stored_answers_round_trip_through_the_form(answers):
    """What is stored, shown again as a form and re-submitted, comes back unchanged."""
    form = MultiDict(
        [
            (name, value)
            for name, values in raw_from_answers(QUESTIONS, answers).items()
            for value in values
        ]
    )
    parsed, errors = parse_answers(QUESTIONS, form, check_required=False)
    assert errors == {}
    assert parsed == answers


field_names = st.sampled_from(
    [f"q_{q.code}" for q in QUESTIONS]
    + [f"q_change_by_{p}" for p in ("day", "month", "year")]
    + ["q_unknown", "action"]
)
junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["yes", "planning", "no", "0", "6", "3", "only_me", "31", "2027", " "]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(field_names, junk), max_size=25), st.booleans())
def test_any_submission_gives_valid_answers_or_messages(pairs, check_required):
    """Whatever is posted: no crash; each stored answer is well formed and applies; every
    required question that applies is answered or has a message."""
    answers, errors = parse_answers(QUESTIONS, MultiDict(pairs), check_required=check_required)
    for code, value in answers.items():
        q = BY_CODE[code]
        assert is_shown(q, answers)
        if q.type == "single":
            assert value in q.choice_codes()
        elif q.type == "multiple":
            assert value and set(value) <= set(q.choice_codes())
        elif q.type == "scale_1_5":
            assert value in range(1, 6)
        elif q.type == "text":
            assert value == value.strip() and 0 < len(value) <= 2000
        else:
            date.fromisoformat(value)
    assert not set(answers) & set(errors)
    for q in QUESTIONS:
        if check_required and q.required and is_shown(q, answers):
            assert q.code in answers or q.code in errors
    for code in errors:
        assert is_shown(BY_CODE[code], answers)


def test_each_type_explains_bad_input():
    """Messages for a choice not offered, a scale out of range, a half date, an impossible date."""
    form = MultiDict(
        [
            ("q_discussed", "maybe"),
            ("q_used_for_qi", "yes"),
            ("q_useful", "7"),
            ("q_change_by_day", "30"),
            ("q_change_by_month", "2"),
            ("q_change_by_year", "2027"),
            ("q_seen_by", "everyone"),
        ]
    )
    _, errors = parse_answers(QUESTIONS, form, check_required=True)
    assert errors == {
        "discussed": "Select one of the answers shown",
        "seen_by": "Select from the answers shown",
        "change_by": "Enter a real date, for example 31 3 2027",
        "useful": "Select a number from 1 to 5",
    }
    form = MultiDict([("q_used_for_qi", "yes"), ("q_change_by_day", "3")])
    _, errors = parse_answers(QUESTIONS, form, check_required=False)
    assert errors == {"change_by": "Date must include a day, month and year"}


def test_required_only_when_shown():
    """A required show-if question is required only when its condition is met."""
    from dataclasses import replace

    questions = [QUESTIONS[0], replace(BY_CODE["where_discussed"], required=True)]
    _, errors = parse_answers(questions, MultiDict([("q_discussed", "no")]), check_required=True)
    assert errors == {}
    _, errors = parse_answers(questions, MultiDict([("q_discussed", "yes")]), check_required=True)
    assert errors == {"where_discussed": "Select at least one answer"}
