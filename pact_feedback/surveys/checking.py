"""Checks on a whole survey definition: one rule set for the web editor and JSON import."""

from pact_feedback.surveys.definitions import (
    CODE_PATTERN,
    FIXED_CHOICES,
    FIXED_CODES,
    FORMAT_VERSION,
    ChoiceSpec,
    Definition,
    QuestionSpec,
)
from pact_feedback.surveys.models import CHOICE_TYPES, QUESTION_TYPES


def check_definition(definition: Definition, *, fixed=FIXED_CODES) -> list[str]:
    """Every problem with `definition`, as sentences; empty when it may be saved.

    `fixed`: question codes the definition must keep (a record audit's form has none)."""
    errors = []
    if not definition.title.strip():
        errors.append("The survey needs a title")
    seen: dict[str, QuestionSpec] = {}
    for number, q in enumerate(definition.questions, start=1):
        where = f"Question {number} ({q.code or 'no code'})"
        errors += [f"{where}: {e}" for e in check_question(q, earlier=seen, fixed=fixed)]
        seen.setdefault(q.code, q)
    for code in fixed:
        if code not in seen:
            errors.append(f"The survey must keep the question {code}: analysts rely on it")
    return errors


def check_question(
    q: QuestionSpec, *, earlier: dict[str, QuestionSpec], fixed=FIXED_CODES
) -> list[str]:
    """Problems with one question, given the questions before it (code -> spec)."""
    errors = []
    if not CODE_PATTERN.match(q.code or ""):
        errors.append(
            "code must start with a letter and use only lower-case letters, numbers and "
            "underscores (40 at most)"
        )
    elif q.code in earlier:
        errors.append("code is used by another question")
    if not q.text.strip():
        errors.append("enter the question text")
    elif len(q.text) > 500:
        errors.append("question text must be 500 characters or fewer")
    if len(q.hint) > 500:
        errors.append("hint must be 500 characters or fewer")
    if q.type not in QUESTION_TYPES:
        errors.append(f"type must be one of {', '.join(QUESTION_TYPES)}")
    errors += _check_choices(q)
    errors += _check_show_if(q, earlier)
    if q.code in fixed:
        if q.type != "single":
            errors.append("this fixed question must stay a one-choice question")
        missing = [c for c in FIXED_CHOICES if c not in q.choice_codes()]
        if missing:
            errors.append(f"this fixed question must keep the choices {', '.join(FIXED_CHOICES)}")
    return errors


def _check_choices(q: QuestionSpec) -> list[str]:
    if q.type not in CHOICE_TYPES:
        return ["only one-choice and several-choice questions have choices"] if q.choices else []
    errors = []
    if len(q.choices) < 2:
        errors.append("give at least 2 choices")
    codes = [c.code for c in q.choices]
    for c in q.choices:
        if not CODE_PATTERN.match(c.code or ""):
            errors.append(
                f"choice code {c.code!r} must start with a letter and use only lower-case "
                "letters, numbers and underscores"
            )
        if not c.label.strip():
            errors.append(f"choice {c.code} needs a label")
        elif len(c.label) > 300:
            errors.append(f"choice {c.code} label must be 300 characters or fewer")
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        errors.append(f"choice codes must be unique: {', '.join(duplicates)} repeated")
    return errors


def _check_show_if(q: QuestionSpec, earlier: dict[str, QuestionSpec]) -> list[str]:
    if not q.show_if:
        return []
    target = earlier.get(q.show_if.get("question"))
    if target is None:
        return ["show-if must name a question that comes before this one"]
    if target.type not in CHOICE_TYPES:
        return ["show-if must name a one-choice or several-choice question"]
    chosen = q.show_if.get("choices") or []
    if not chosen:
        return ["show-if needs at least one choice code"]
    unknown = [c for c in chosen if c not in target.choice_codes()]
    if unknown:
        return [f"show-if choices not in {target.code}: {', '.join(map(str, unknown))}"]
    return []


def from_json(data, *, fixed=FIXED_CODES) -> tuple[Definition | None, list[str]]:
    """Read the export format; (None, errors) when anything is wrong."""
    if not isinstance(data, dict):
        return None, ["The file must hold one JSON object, as exported"]
    if data.get("format_version") != FORMAT_VERSION:
        return None, [f"format_version must be {FORMAT_VERSION}"]
    questions_in = data.get("questions")
    if not isinstance(questions_in, list):
        return None, ["questions must be a list"]
    questions, errors = [], []
    for number, item in enumerate(questions_in, start=1):
        spec, problem = _question_from_json(item)
        if problem:
            errors.append(f"Question {number}: {problem}")
        else:
            questions.append(spec)
    if errors:
        return None, errors
    definition = Definition(
        title=str(data.get("title") or ""),
        introduction=str(data.get("introduction") or ""),
        questions=questions,
    )
    errors = check_definition(definition, fixed=fixed)
    return (None, errors) if errors else (definition, [])


def _question_from_json(item) -> tuple[QuestionSpec | None, str]:
    if not isinstance(item, dict):
        return None, "must be an object"
    for key in ("code", "text", "type"):
        if not isinstance(item.get(key), str):
            return None, f"{key} must be text"
    choices = item.get("choices") or []
    if not isinstance(choices, list) or not all(
        isinstance(c, dict) and isinstance(c.get("code"), str) and isinstance(c.get("label"), str)
        for c in choices
    ):
        return None, "choices must be a list of objects with code and label"
    show_if = item.get("show_if")
    if show_if is not None and not (
        isinstance(show_if, dict)
        and isinstance(show_if.get("question"), str)
        and isinstance(show_if.get("choices"), list)
    ):
        return None, "show_if must be null or an object with question and choices"
    if not isinstance(item.get("required", False), bool):
        return None, "required must be true or false"
    return QuestionSpec(
        code=item["code"],
        text=item["text"],
        type=item["type"],
        hint=str(item.get("hint") or ""),
        required=item.get("required", False),
        choices=tuple(ChoiceSpec(c["code"], c["label"]) for c in choices),
        show_if=show_if,
    ), ""
