"""The only casebook module that reads the database for tables and reports: select -> frame."""

import numpy as np
import pandas as pd
from sqlalchemy import func, select, text

from pact_feedback.casebook.models import Case, CaseAudit, CaseReview
from pact_feedback.casebook.tables import cells
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


_COUNTS = {
    "sqlite": {
        "single": "SELECT a.practice_id, json_extract(c.answers, :path), count(*) {base} "
        "AND json_extract(c.answers, :path) IS NOT NULL GROUP BY 1, 2",
        "multiple": "SELECT a.practice_id, j.value, count(*) {base_each} GROUP BY 1, 2",
        "answered_multiple": "SELECT a.practice_id, count(*) {base} "
        "AND json_type(c.answers, :path) = 'array' AND json_array_length(c.answers, :path) > 0 "
        "GROUP BY 1",
    },
    "postgresql": {
        "single": "SELECT a.practice_id, c.answers ->> :code, count(*) {base} "
        "AND c.answers ->> :code IS NOT NULL GROUP BY 1, 2",
        "multiple": "SELECT a.practice_id, j.value, count(*) {base_each} GROUP BY 1, 2",
        "answered_multiple": "SELECT a.practice_id, count(*) {base} "
        "AND json_typeof(c.answers -> :code) = 'array' "
        "AND json_array_length(c.answers -> :code) > 0 GROUP BY 1",
    },
}
_BASE = (
    "FROM casebook_cases c JOIN casebook_audits a ON a.id = c.audit_id "
    "WHERE a.form_id = :form AND a.submitted_at IS NOT NULL"
)
_EACH = {
    "sqlite": "FROM casebook_cases c JOIN casebook_audits a ON a.id = c.audit_id, "
    "json_each(c.answers, :path) j WHERE a.form_id = :form AND a.submitted_at IS NOT NULL",
    "postgresql": "FROM casebook_cases c JOIN casebook_audits a ON a.id = c.audit_id, "
    "json_array_elements_text(CASE WHEN json_typeof(c.answers -> :code) = 'array' "
    "THEN c.answers -> :code ELSE '[]'::json END) j(value) "
    "WHERE a.form_id = :form AND a.submitted_at IS NOT NULL",
}


def submitted_sizes(form) -> dict[int, int]:
    """Practice id -> submitted cases."""
    return dict(
        db.session.execute(
            select(CaseAudit.practice_id, func.count(Case.id))
            .join(Case, Case.audit_id == CaseAudit.id)
            .where(CaseAudit.form_id == form.id, CaseAudit.submitted_at.is_not(None))
            .group_by(CaseAudit.practice_id)
        ).all()
    )


def count_in_sql(form, questions, groups: list[int]):
    """`tables.count_matrix` for submitted cases by practice, counted by the database (one
    GROUP BY per question), or None where the dialect has no JSON functions we use."""
    dialect = db.engine.dialect.name
    if dialect not in _COUNTS:
        return None
    sql = {k: v.format(base=_BASE, base_each=_EACH[dialect]) for k, v in _COUNTS[dialect].items()}
    grid = cells(questions)
    column = {(q, c): j for j, (q, c, _) in enumerate(grid)}
    row = {pid: i for i, pid in enumerate(groups)}
    chosen = np.zeros((len(groups), len(grid)), dtype=np.int64)
    answered = np.zeros((len(groups), len(questions)), dtype=np.int64)
    for i, q in enumerate(questions):
        params = {"form": form.id, "path": f'$."{q.code}"', "code": q.code}
        for pid, value, n in db.session.execute(text(sql[q.type]), params):
            j = column.get((q.code, value))
            if pid in row and j is not None:
                chosen[row[pid], j] += n
            if pid in row and q.type == "single":
                answered[row[pid], i] += n
        if q.type == "multiple":
            for pid, n in db.session.execute(text(sql["answered_multiple"]), params):
                if pid in row:
                    answered[row[pid], i] = n
    return chosen, answered


def practice_entries(form, practice_id: int) -> list[tuple[int | None, dict]]:
    """(clinician who entered it, answers) for every case of one practice, submitted or not."""
    return db.session.execute(
        select(Case.entered_by_id, Case.answers)
        .join(CaseAudit, CaseAudit.id == Case.audit_id)
        .where(CaseAudit.form_id == form.id, CaseAudit.practice_id == practice_id)
        .order_by(Case.sequence)
    ).all()


def clinicians_elsewhere(form, practice_id: int) -> int:
    """Clinicians who entered the submitted cases of practices other than `practice_id` (a
    clinician no longer known counts once per practice)."""
    pairs = (
        select(CaseAudit.practice_id, Case.entered_by_id)
        .join(Case, Case.audit_id == CaseAudit.id)
        .where(
            CaseAudit.form_id == form.id,
            CaseAudit.submitted_at.is_not(None),
            CaseAudit.practice_id != practice_id,
        )
        .distinct()
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(pairs)) or 0
