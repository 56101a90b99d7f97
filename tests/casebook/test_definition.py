"""The record-audit instrument as data: the Why Test template, JSON round trip, and checks."""

import copy

from pact_feedback.casebook import definition as defs


def test_why_test_template_is_a_valid_form_with_the_published_questions():
    """The shipped template passes every check and asks what the Why Test audit asked."""
    spec, errors = defs.from_json(defs.template_json())

    assert errors == []
    codes = [q.code for q in spec.questions]
    assert codes == [
        "age_band",
        "sex",
        "requester",
        "reasons",
        "tests",
        "result",
        "outcome",
        "new_diagnosis",
        "necessity",
    ]
    assert {q.code: q.type for q in spec.questions}["reasons"] == "multiple"
    assert spec.question("result").choice_codes() == ["normal", "borderline", "abnormal"]
    assert spec.target_cases == 50 and spec.review_question == "necessity"
    assert not any(q.type == "text" for q in spec.questions)  # no free text by default


def test_export_then_import_gives_the_same_form():
    spec, _ = defs.from_json(defs.template_json())

    again, errors = defs.from_json(defs.form_to_json(spec))

    assert errors == [] and again == spec


def test_import_refuses_bad_codes_types_and_report_settings_with_reasons():
    data = copy.deepcopy(defs.template_json())
    data["questions"][0]["choices"][0]["code"] = "Under 18"
    data["target_cases"] = 0
    data["report"] = {"questions": ["sex", "nonsense"], "by": "reasons"}
    data["review_question"] = "tests"

    spec, errors = defs.from_json(data)

    assert spec is None
    assert any("choice code 'Under 18'" in e for e in errors)
    # Report settings are checked once the questions themselves are valid.
    data["questions"][0]["choices"][0]["code"] = "under_18"
    spec, errors = defs.from_json(data)
    assert spec is None
    assert "target_cases must be a whole number from 1 to 1000" in errors
    assert any("'nonsense'" in e for e in errors)
    assert any("report by 'reasons'" in e for e in errors)  # several-choice cannot split
    assert "review_question must be the code of a one-choice question" in errors


def test_a_form_without_the_uptake_surveys_fixed_questions_is_accepted():
    """The survey's fixed questions (discussed, used_for_qi) bind surveys, not audits."""
    data = defs.template_json()
    spec, errors = defs.from_json(data)
    assert errors == [] and spec.question("discussed") is None


def test_codes_used_by_entered_cases_cannot_be_dropped():
    spec, _ = defs.from_json(defs.template_json())
    data = copy.deepcopy(defs.template_json())
    data["questions"] = [q for q in data["questions"] if q["code"] != "sex"]
    result = next(q for q in data["questions"] if q["code"] == "result")
    result["choices"] = [c for c in result["choices"] if c["code"] != "borderline"]
    smaller, errors = defs.from_json(data)
    assert errors == []

    lost = defs.lost_codes(smaller, {"sex": {"male"}, "result": {"borderline", "normal"}})

    assert lost == [
        "The question result must keep the choices borderline: entered cases use them",
        "The question sex has answers in entered cases: keep it",
    ]
    assert defs.lost_codes(spec, {"sex": {"male"}}) == []
