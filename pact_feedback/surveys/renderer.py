"""What the generic renderer (templates/surveys/_questions.html) needs for each question."""

from dataclasses import dataclass, replace

from pact_feedback.surveys.answers import field_name
from pact_feedback.surveys.definitions import ChoiceSpec, QuestionSpec

SCALE_CHOICES = tuple(ChoiceSpec(str(n), str(n)) for n in range(1, 6))


@dataclass(frozen=True)
class Item:
    spec: QuestionSpec  # as rendered: a 1-5 scale carries its five choices
    number: int | None  # follow-up (show-if) questions are not numbered: numbers never skip
    condition: str  # "Answer this if ..." for show-if questions, else ""
    anchor: str  # the id the error summary links to


def items(questions: list[QuestionSpec]) -> list[Item]:
    numbers, count = {}, 0
    for q in questions:
        if not q.show_if:
            count += 1
            numbers[q.code] = count
    by_code = {q.code: q for q in questions}
    result = []
    for q in questions:
        shown = replace(q, choices=SCALE_CHOICES) if q.type == "scale_1_5" else q
        condition = _condition(q, by_code, numbers)
        result.append(Item(shown, numbers.get(q.code), condition, _anchor(shown)))
    return result


def _anchor(q: QuestionSpec) -> str:
    if q.type == "date":
        return field_name(q, "day")
    if q.choices:
        return f"{field_name(q)}-{q.choices[0].code}"
    return field_name(q)


def _condition(q: QuestionSpec, by_code: dict, numbers: dict) -> str:
    target = by_code.get((q.show_if or {}).get("question"))
    if target is None:
        return ""
    labels = {c.code: c.label for c in target.choices}
    wanted = " or ".join(f"‘{labels.get(c, c)}’" for c in q.show_if.get("choices", []))
    where = f"question {numbers[target.code]}" if target.code in numbers else f"‘{target.text}’"
    return f"Answer this if you answered {wanted} to {where}."


def error_items(rendered: list[Item], errors: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (item.anchor, f"{_name(item)}: {errors[item.spec.code]}")
        for item in rendered
        if item.spec.code in errors
    ]


def _name(item: Item) -> str:
    return f"Question {item.number}" if item.number else f"‘{item.spec.text}’"
