"""The uptake figures of one wave: SQL frames from queries, tabulated by pure functions."""

import json

from pact_feedback.surveys import queries
from pact_feedback.tabulation.uptake import tabulate

ROLE_QUESTION = "respondent_role"
SCALE = [(str(n), str(n)) for n in range(1, 6)]


def tabulated_questions(survey) -> dict[str, list[tuple[str, str]]]:
    """Every one-answer question (single choice, 1-5 scale) with its (code, label) choices, in
    survey order (several-answers questions are tabulated as mentions beside them)."""
    return {
        q.code: SCALE if q.type == "scale_1_5" else [(c.code, c.label) for c in q.choices]
        for q in survey.questions
        if q.type in ("single", "scale_1_5")
    }


def _as_list(value):
    """A several-answers answer from the database: a list, or its JSON text (by database)."""
    if value is None or isinstance(value, list):
        return value
    return json.loads(value)


def compute_uptake(study, survey, number: int):
    """The tabulated uptake of wave `number` (the wave must exist)."""
    tabulated = tabulated_questions(survey)
    multiple = {
        q.code: [(c.code, c.label) for c in q.choices]
        for q in survey.questions
        if q.type == "multiple"
    }
    role = next((q for q in survey.questions if q.code == ROLE_QUESTION), None)
    role_labels = {c.code: c.label for c in role.choices} if role else None
    codes = tuple(dict.fromkeys((*tabulated, ROLE_QUESTION, *multiple)))
    answers = queries.answers_frame(survey, codes=codes)
    for code, choices in tabulated.items():
        if choices is SCALE:  # JSON numbers come back as numbers or text, by database
            answers[code] = answers[code].map(lambda v: None if v is None else str(int(v)))
    for code in multiple:
        answers[code] = answers[code].map(_as_list)
    sent = queries.sent_frame(study)
    return tabulate(sent, answers, number, tabulated, role_labels, multiple=multiple)
