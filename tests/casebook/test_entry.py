"""Checking one case: the survey validator, the diary's identifier guard, the review sample."""

from werkzeug.datastructures import MultiDict

from pact_feedback.casebook import definition as defs
from pact_feedback.casebook.entry import in_review_sample, next_sequence, parse_case, row_as_form
from pact_feedback.surveys.definitions import QuestionSpec

VALID_NHS_NUMBER = "943 476 5919"  # passes the Modulus 11 check


def _questions():
    spec, _ = defs.from_json(defs.template_json())
    return spec.questions


def _complete(**changes):
    answers = {
        "q_age_band": ["age_40_64"],
        "q_sex": ["female"],
        "q_requester": ["gp"],
        "q_reasons": ["symptoms", "patient_request"],
        "q_tests": ["fbc"],
        "q_result": ["normal"],
        "q_outcome": ["no_change"],
        "q_new_diagnosis": ["no"],
        "q_necessity": ["necessary"],
    }
    answers.update(changes)
    return MultiDict([(k, v) for k, values in answers.items() for v in values])


def test_complete_case_gives_coded_answers():
    answers, errors = parse_case(_questions(), _complete())

    assert errors == {}
    assert answers["reasons"] == ["symptoms", "patient_request"]
    assert answers["result"] == "normal"


def test_missing_required_and_unknown_codes_are_refused_per_question():
    answers, errors = parse_case(
        _questions(), _complete(q_result=[], q_reasons=["symptoms", "made_up"])
    )

    assert errors == {
        "result": "Select an answer",
        "reasons": "Select from the answers shown",
    }


def test_free_text_with_an_nhs_number_or_date_of_birth_is_refused():
    """Where a study adds free text, the diary's identifier guard refuses identifiers."""
    questions = [*_questions(), QuestionSpec("comment", "Anything else?", "text")]

    _, errors = parse_case(questions, _complete(q_comment=[f"pt {VALID_NHS_NUMBER} seen"]))
    assert errors["comment"].startswith("Remove the NHS number from your answer")
    _, errors = parse_case(questions, _complete(q_comment=["DOB 03/04/1956"]))
    assert "Remove the date of birth" in errors["comment"]
    answers, errors = parse_case(questions, _complete(q_comment=["Repeat LFT in 3 months"]))
    assert errors == {} and answers["comment"] == "Repeat LFT in 3 months"


def test_csv_row_becomes_the_same_form_the_web_posts():
    row = {"reasons": "symptoms; patient_request", "result": "abnormal", "sex": ""}

    form = row_as_form(_questions(), row)

    assert form.getlist("q_reasons") == ["symptoms", "patient_request"]
    assert form.getlist("q_result") == ["abnormal"]
    assert "q_sex" not in form


def test_review_sample_is_every_tenth_case_at_ten_percent():
    assert [s for s in range(1, 51) if in_review_sample(s, 10)] == [10, 20, 30, 40, 50]
    assert not any(in_review_sample(s, 0) for s in range(1, 51))
    assert all(in_review_sample(s, 100) for s in range(1, 51))


def test_next_case_number_fills_gaps_first():
    assert next_sequence([]) == 1
    assert next_sequence([1, 2, 4]) == 3
    assert next_sequence([1, 2, 3]) == 4
