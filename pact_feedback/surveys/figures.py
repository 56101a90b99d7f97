"""The uptake figures of one wave: SQL frames from queries, tabulated by pure functions."""

from pact_feedback.surveys import queries
from pact_feedback.tabulation.uptake import HEADLINE_CODES, tabulate

ROLE_QUESTION = "respondent_role"


def compute_uptake(study, survey, number: int):
    """The tabulated uptake of wave `number` (the wave must exist)."""
    questions = {q.code: q for q in survey.questions}
    tabulated = {
        code: [(c.code, c.label) for c in questions[code].choices]
        for code in HEADLINE_CODES
        if code in questions
    }
    role = questions.get(ROLE_QUESTION)
    role_labels = {c.code: c.label for c in role.choices} if role else None
    answers = queries.answers_frame(survey, codes=(*tabulated, ROLE_QUESTION))
    return tabulate(queries.sent_frame(study), answers, number, tabulated, role_labels)
