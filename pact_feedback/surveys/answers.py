"""One generic validator for every question type, with one handler per type.

Works on plain specs and a form-like object (`getlist(name)`), so it is tested without a
database. Answers are stored as JSON: single -> code, multiple -> [codes], scale_1_5 -> int,
text -> str, date -> "YYYY-MM-DD". Hidden questions (show-if not met) are never required and
their answers are dropped.
"""

from datetime import date

from pact_feedback.surveys.definitions import QuestionSpec

MAX_TEXT = 2000
SCALE = ("1", "2", "3", "4", "5")
_REQUIRED = {
    "single": "Select an answer",
    "multiple": "Select at least one answer",
    "scale_1_5": "Select a number from 1 to 5",
    "text": "Enter your answer",
    "date": "Enter a date",
}


def field_name(question: QuestionSpec, part: str = "") -> str:
    return f"q_{question.code}" + (f"_{part}" if part else "")


def is_shown(question: QuestionSpec, answers: dict) -> bool:
    """Whether `question` applies, given the answers to the questions before it."""
    if not question.show_if:
        return True
    given = answers.get(question.show_if.get("question"))
    given = given if isinstance(given, list) else [given]
    return any(code in question.show_if.get("choices", []) for code in given)


def _values(form, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if v is not None and v.strip()]


def _single(q, form):
    values = _values(form, field_name(q))
    if not values:
        return None, None
    if len(values) > 1 or values[0] not in q.choice_codes():
        return None, "Select one of the answers shown"
    return values[0], None


def _multiple(q, form):
    values = _values(form, field_name(q))
    if not values:
        return None, None
    if any(v not in q.choice_codes() for v in values):
        return None, "Select from the answers shown"
    return [c for c in q.choice_codes() if c in values], None


def _scale(q, form):
    values = _values(form, field_name(q))
    if not values:
        return None, None
    if len(values) > 1 or values[0] not in SCALE:
        return None, "Select a number from 1 to 5"
    return int(values[0]), None


def _text(q, form):
    values = [v for v in form.getlist(field_name(q)) if v is not None]
    text = (values[0] if values else "").strip()
    if not text:
        return None, None
    if len(text) > MAX_TEXT:
        return None, f"Answer must be {MAX_TEXT:,} characters or fewer"
    return text, None


def _date(q, form):
    parts = [(_values(form, field_name(q, p)) or [""])[0] for p in ("day", "month", "year")]
    if not any(parts):
        return None, None
    if not all(parts):
        return None, "Date must include a day, month and year"
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, "Enter a real date, for example 31 3 2027"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat(), None
    except ValueError:
        return None, "Enter a real date, for example 31 3 2027"


HANDLERS = {
    "single": _single,
    "multiple": _multiple,
    "scale_1_5": _scale,
    "text": _text,
    "date": _date,
}


def parse_answers(
    questions: list[QuestionSpec], form, *, check_required: bool
) -> tuple[dict, dict[str, str]]:
    """Clean answers and errors (question code -> message) from a submitted form."""
    answers: dict = {}
    errors: dict[str, str] = {}
    for q in questions:
        value, error = HANDLERS[q.type](q, form)
        if not is_shown(q, answers):
            continue
        if error:
            errors[q.code] = error
        elif value is not None:
            answers[q.code] = value
        elif q.required and check_required:
            errors[q.code] = _REQUIRED[q.type]
    return answers, errors


def raw_from_answers(questions: list[QuestionSpec], answers: dict) -> dict[str, list[str]]:
    """Stored answers as form values, so the renderer shows what was saved."""
    raw: dict[str, list[str]] = {}
    for q in questions:
        value = answers.get(q.code)
        if value is None:
            continue
        if q.type == "date":
            year, month, day = value.split("-")
            raw[field_name(q, "day")] = [str(int(day))]
            raw[field_name(q, "month")] = [str(int(month))]
            raw[field_name(q, "year")] = [year]
        else:
            values = value if isinstance(value, list) else [value]
            raw[field_name(q)] = [str(v) for v in values]
    return raw


def raw_from_form(form) -> dict[str, list[str]]:
    """What was typed, exactly, so a page with errors loses nothing."""
    return {name: form.getlist(name) for name in form if name.startswith("q_")}


def display_answer(question: QuestionSpec, value) -> str:
    """An answer as words, for summaries and version history."""
    if value is None or value == [] or value == "":
        return "Not answered"
    labels = {c.code: c.label for c in question.choices}
    if question.type == "multiple":
        return ", ".join(labels.get(v, v) for v in value)
    if question.type == "single":
        return labels.get(value, value)
    if question.type == "date":
        return date.fromisoformat(value).strftime("%-d %B %Y")
    return str(value)
