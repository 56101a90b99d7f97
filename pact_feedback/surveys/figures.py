"""The uptake figures of one wave: SQL frames from queries, tabulated by pure functions."""

from pact_feedback.surveys import queries
from pact_feedback.tabulation.uptake import tabulate

ROLE_QUESTION = "respondent_role"
SCALE = [(str(n), str(n)) for n in range(1, 6)]


def tabulated_questions(survey) -> dict[str, list[tuple[str, str]]]:
    """Every one-answer question (single choice, 1-5 scale) with its (code, label) choices, in
    survey order: the page, the downloads, the CLI and the API all carry these."""
    return {
        q.code: SCALE if q.type == "scale_1_5" else [(c.code, c.label) for c in q.choices]
        for q in survey.questions
        if q.type in ("single", "scale_1_5")
    }


def compute_uptake(study, survey, number: int):
    """The tabulated uptake of wave `number` (the wave must exist)."""
    tabulated = tabulated_questions(survey)
    role = next((q for q in survey.questions if q.code == ROLE_QUESTION), None)
    role_labels = {c.code: c.label for c in role.choices} if role else None
    codes = tuple(dict.fromkeys((*tabulated, ROLE_QUESTION)))
    answers = queries.answers_frame(survey, codes=codes)
    for code, choices in tabulated.items():
        if choices is SCALE:  # JSON numbers come back as numbers or text, by database
            answers[code] = answers[code].map(lambda v: None if v is None else str(int(v)))
    return tabulate(queries.sent_frame(study), answers, number, tabulated, role_labels)
