"""Survey definitions: the checks shared by the editor and the JSON import."""

from dataclasses import replace

from pact_feedback.surveys.checking import check_definition, from_json
from pact_feedback.surveys.definitions import (
    ChoiceSpec,
    default_definition,
    to_json,
)


def test_default_definition_passes_and_round_trips_through_json():
    definition = default_definition()
    assert check_definition(definition) == []
    again, problems = from_json(to_json(definition))
    assert problems == [] and again == definition


def test_json_with_wrong_shapes_is_refused_whole():
    data = to_json(default_definition())
    assert from_json([]) == (None, ["The file must hold one JSON object, as exported"])
    assert from_json({**data, "format_version": 2})[1] == ["format_version must be 1"]
    broken = {**data, "questions": [*data["questions"][:2], {"code": 3}, "text"]}
    definition, problems = from_json(broken)
    assert definition is None
    assert problems == ["Question 3: code must be text", "Question 4: must be an object"]


def test_each_rule_has_a_message():
    questions = list(default_definition().questions)
    questions[2] = replace(questions[2], code="Bad Code")
    questions[3] = replace(questions[3], show_if={"question": "useful", "choices": ["1"]})
    questions[7] = replace(questions[7], choices=(ChoiceSpec("x", "X"),))
    questions.append(replace(questions[10], code="barriers"))
    problems = check_definition(replace(default_definition(), questions=questions, title=" "))
    assert problems[0] == "The survey needs a title"
    assert any(
        p.startswith("Question 3 (Bad Code): code must start with a letter") for p in problems
    )
    assert any("show-if must name a question that comes before this one" in p for p in problems)
    assert any("only one-choice and several-choice questions have choices" in p for p in problems)
    assert any(p.startswith("Question 14 (barriers): code is used by another") for p in problems)
