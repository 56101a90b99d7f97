"""What the generic renderer (templates/surveys/_questions.html) needs for each question."""

from dataclasses import dataclass, replace

from pact_feedback.surveys.answers import field_name
from pact_feedback.surveys.definitions import ChoiceSpec, QuestionSpec

SCALE_CHOICES = tuple(ChoiceSpec(str(n), str(n)) for n in range(1, 6))


@dataclass(frozen=True)
class Item:
    spec: QuestionSpec  # as rendered: a 1-5 scale carries its five choices
    number: int
    condition: str  # "Answer this if ..." for show-if questions, else ""
    anchor: str  # the id the error summary links to


def items(questions: list[QuestionSpec]) -> list[Item]:
    by_code = {q.code: (n, q) for n, q in enumerate(questions, start=1)}
    result = []
    for number, q in enumerate(questions, start=1):
        shown = replace(q, choices=SCALE_CHOICES) if q.type == "scale_1_5" else q
        result.append(Item(shown, number, _condition(q, by_code), _anchor(shown)))
    return result


def _anchor(q: QuestionSpec) -> str:
    if q.type == "date":
        return field_name(q, "day")
    if q.choices:
        return f"{field_name(q)}-{q.choices[0].code}"
    return field_name(q)


def _condition(q: QuestionSpec, by_code: dict) -> str:
    if not q.show_if or q.show_if.get("question") not in by_code:
        return ""
    number, target = by_code[q.show_if["question"]]
    labels = {c.code: c.label for c in target.choices}
    wanted = [f"‘{labels.get(c, c)}’" for c in q.show_if.get("choices", [])]
    return f"Answer this if you answered {' or '.join(wanted)} to question {number}."


def error_items(rendered: list[Item], errors: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (item.anchor, f"Question {item.number}: {errors[item.spec.code]}")
        for item in rendered
        if item.spec.code in errors
    ]
