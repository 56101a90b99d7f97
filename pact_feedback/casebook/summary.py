"""A clinician's private summary of the cases they entered: their own figures beside their
practice's and the network's, read live from the cases and shown to them alone.

Their own figures are exact. The practice column, from which a reader could subtract their own
cases, follows the practice rules of `disclosure`: only with enough clinicians (the study's
k), each answer only with 3 clinicians and none above 70% of it, a second answer withheld
with a lone one, counts rounded. The network (submitted audits) is shown only when enough of
it comes from other practices, as in the practice reports.
"""

import numpy as np
import pandas as pd

from pact_feedback import disclosure
from pact_feedback.casebook.definition import spec_of
from pact_feedback.casebook.frames import (
    clinicians_elsewhere,
    count_in_sql,
    load_cases,
    practice_entries,
    submitted_sizes,
)
from pact_feedback.casebook.report import column
from pact_feedback.casebook.tables import TABULATED, count_matrix
from pact_feedback.tabulation.tables import wilson_interval

COLUMNS = (("mine", "Your cases"), ("practice", "Your practice"), ("network", "Network"))


def own_column(answers: list[dict], questions) -> dict:
    """The reader's own cases: exact counts, percentages to one decimal, Wilson intervals."""
    chosen, answered = count_matrix(pd.DataFrame({"group": 0, "answers": answers}), questions, [0])
    return column(chosen[0], answered[0], questions, protect=False)


def practice_column(rows: list[tuple], questions, *, k_practice: int) -> dict | None:
    """The practice's cases ((clinician, answers) rows) under the practice rules, or None when
    fewer than k clinicians entered them."""
    clinicians = sorted({by for by, _ in rows}, key=str)
    if not disclosure.practice_aggregate_allowed(len(clinicians), k_practice):
        return None
    position = {by: i for i, by in enumerate(clinicians)}
    frame = pd.DataFrame(
        {"group": [position[by] for by, _ in rows], "answers": [a for _, a in rows]}
    )
    chosen, answered = count_matrix(frame, questions, list(range(len(clinicians))))
    result, j = {}, 0
    for i, q in enumerate(questions):
        block, j = chosen[:, j : j + len(q.choices)], j + len(q.choices)
        by_choice = {c.code: block[:, k].tolist() for k, c in enumerate(q.choices)}
        cells = disclosure.protect_row(by_choice, total_shown=q.type == "single")
        total = int(answered[:, i].sum())
        result[q.code] = {
            "answered": disclosure.display_count(total),
            "cells": {code: _protected(cell, total) for code, cell in cells.items()},
        }
    return result


def _protected(cell: disclosure.Cell, total: int) -> dict:
    if cell.suppressed:
        return {"n": None, "percent": None, "ci": None, "reason": cell.reason}
    n = int(cell.value)
    if n < disclosure.SMALL_COUNT:  # a percentage would give the count away
        return {"n": disclosure.display_count(n), "percent": None, "ci": None}
    low, high = wilson_interval(n, total)
    return {
        "n": disclosure.display_count(n),
        "percent": round(n / total * 100),
        "ci": [round(low * 100), round(high * 100)],
    }


def _network(form, questions) -> dict:
    groups = sorted(submitted_sizes(form))
    counted = count_in_sql(form, questions, groups)
    if counted is None:  # a database without JSON functions: count in Python
        cases = load_cases(form)
        counted = count_matrix(cases.assign(group=cases["practice_id"]), questions, groups)
    chosen, answered = counted
    width = sum(len(q.choices) for q in questions)
    if not groups:
        chosen, answered = np.zeros((1, width)), np.zeros((1, len(questions)))
    return column(chosen.sum(axis=0), answered.sum(axis=0), questions, protect=False)


def summary_context(study, form, practice, user) -> dict:
    """What the summary page shows `user` about their own cases in `practice`'s audit."""
    spec = spec_of(form)
    questions = [q for q in spec.tabulated() if q.type in TABULATED]
    rows = [(by, answers) for by, answers in practice_entries(form, practice.id)]
    mine = [answers for by, answers in rows if by == user.id]
    k = disclosure.effective_k_practice(study.k_practice)
    elsewhere = clinicians_elsewhere(form, practice.id)
    network = None
    if disclosure.network_shown_to_practice(elsewhere, study.k_practice):
        network = _network(form, questions)
    payload = {
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "type": q.type,
                "choices": [{"code": c.code, "label": c.label} for c in q.choices],
            }
            for q in questions
        ],
        "mine": own_column(mine, questions) if mine else None,
        "practice": practice_column(rows, questions, k_practice=study.k_practice),
        "network": network,
    }
    return {
        "payload": payload,
        "cases": len(mine),
        "practice_cases": len(rows),
        "only_clinician": bool(mine) and len(mine) == len(rows),
        "k_practice": k,
    }
