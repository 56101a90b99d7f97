"""The only casebook module that reads the database for tables and reports: select -> frame."""

import pandas as pd
from sqlalchemy import select

from pact_feedback.casebook.models import Case, CaseAudit, CaseReview
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice

CASE_COLUMNS = ["case_id", "practice_id", "ods_code", "nation", "sequence", "submitted", "answers"]


def load_cases(form, *, submitted_only: bool = True) -> pd.DataFrame:
    """One row per case of `form`: `CASE_COLUMNS`; `answers` is question code -> answer.

    Only audits the practice has submitted count, unless `submitted_only` is false.
    """
    query = (
        select(
            Case.id,
            CaseAudit.practice_id,
            Practice.ods_code,
            Practice.nation,
            Case.sequence,
            CaseAudit.submitted_at.is_not(None),
            Case.answers,
        )
        .join(CaseAudit, CaseAudit.id == Case.audit_id)
        .join(Practice, Practice.id == CaseAudit.practice_id)
        .where(CaseAudit.form_id == form.id)
        .order_by(Practice.ods_code, Case.sequence)
    )
    if submitted_only:
        query = query.where(CaseAudit.submitted_at.is_not(None))
    return pd.DataFrame(db.session.execute(query).all(), columns=CASE_COLUMNS)


def review_pairs(form) -> tuple[list[str], list[str]]:
    """(first judgements, second judgements) for every second-reviewed case."""
    if not form.review_question:
        return [], []
    rows = db.session.execute(
        select(Case.answers, CaseReview.judgement)
        .join(CaseReview, CaseReview.case_id == Case.id)
        .join(CaseAudit, CaseAudit.id == Case.audit_id)
        .where(CaseAudit.form_id == form.id)
    ).all()
    pairs = [(a.get(form.review_question), j) for a, j in rows if a.get(form.review_question)]
    return [p[0] for p in pairs], [p[1] for p in pairs]
