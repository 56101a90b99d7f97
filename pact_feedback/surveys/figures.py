"""The uptake figures of one wave: SQL frames from queries, tabulated by pure functions."""

import json

import numpy as np
import pandas as pd

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


def _each_distinct(column, convert):
    """`convert` applied to each distinct answer once (None stays None), as an object column."""
    values = column.to_numpy(dtype=object)
    converted = {v: convert(v) for v in dict.fromkeys(values.tolist()) if v is not None}
    out = np.array([None if v is None else converted[v] for v in values.tolist()], dtype=object)
    return pd.Series(out, index=column.index, dtype=object, copy=False)


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
            answers[code] = _each_distinct(answers[code], lambda v: str(int(v)))
    for code in multiple:
        answers[code] = answers[code].map(_as_list)
    sent = queries.sent_frame(study)
    return tabulate(sent, answers, number, tabulated, role_labels, multiple=multiple)
