"""Checking one case's answers: the survey validator, then the diary's identifier guard.

Pure functions over plain specs and form-like objects, so they are tested without a database.
"""

from pact_feedback.diary.validation import note_errors
from pact_feedback.surveys.answers import parse_answers
from pact_feedback.surveys.definitions import QuestionSpec

# A CSV row (one column per question code; several choices separated by ";", dates as
# YYYY-MM-DD) as the web form posts it: the survey import's rule, so the two never differ.
from pact_feedback.surveys.importing import _as_form as row_as_form  # noqa: F401


def parse_case(questions: list[QuestionSpec], form) -> tuple[dict, dict[str, str]]:
    """Clean answers and errors (question code -> message) for one case.

    Free text is refused when it holds an NHS number or a date of birth: the same rule, in the
    same function, as diary notes.
    """
    answers, errors = parse_answers(questions, form, check_required=True)
    for q in questions:
        if q.type == "text" and q.code in answers:
            problems = note_errors(answers[q.code])
            if problems:
                errors[q.code] = _for_answer(problems[0])
                del answers[q.code]
    return answers, errors


def _for_answer(message: str) -> str:
    return message.replace("from the note", "from your answer").replace(
        "Notes must", "Answers must"
    )


def in_review_sample(sequence: int, percent: int) -> bool:
    """Whether a case is second-reviewed: every n-th case, n = 100 / percent rounded.

    Fixed by the case number alone, so the sample is the same whoever looks, and the first
    clinician cannot pick which cases a colleague sees.
    """
    if percent <= 0:
        return False
    step = max(1, round(100 / percent))
    return sequence % step == 0


def next_sequence(taken: list[int]) -> int:
    """The first case number not yet used: resuming fills any gap first."""
    used = set(taken)
    sequence = 1
    while sequence in used:
        sequence += 1
    return sequence
