"""A record audit's practice reports, described by the form: which questions, in what order.

The same pipeline as the diary's: similar-practice matching and peer groups (`reports.matching`),
small-number rules from `disclosure`, drafts stored and released by `reports.actions`. Only the
payload differs, so a new instrument needs a form definition, not a new report module.
"""

from datetime import date

import numpy as np
from sqlalchemy import select

from pact_feedback import disclosure
from pact_feedback.casebook.actions import form_for
from pact_feedback.casebook.definition import spec_of
from pact_feedback.casebook.frames import count_in_sql, load_cases, submitted_sizes
from pact_feedback.casebook.tables import TABULATED, count_matrix
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.reports import actions as report_actions
from pact_feedback.reports import build as report_build
from pact_feedback.reports import presenting as report_presenting
from pact_feedback.reports.build import cycle_collection_paused
from pact_feedback.reports.frames import _profile
from pact_feedback.reports.matching import METHOD_VERSION, Pool, method_statement, national_z_scores
from pact_feedback.tabulation.tables import wilson_interval

INSTRUMENT = "record_audit"
# A similar practice or peer group is shown only with this many cases, so a handful of
# patients is never a column of its own.
MIN_COLUMN_CASES = 10
COLUMNS = (
    ("own", "Your practice"),
    ("comparator", "Similar practice"),
    ("peer_group", "Peer group"),
    ("network", "Network"),
)


def applies(study) -> bool:
    return form_for(study) is not None


def build_audit_reports(study) -> list[dict]:
    """Draft payloads for every practice that submitted its audit: {"kind", "practice_id",
    "user_id", "payload"}, as `reports.actions` stores them."""
    with cycle_collection_paused():  # many small dicts, none in a cycle (as for the diary)
        return _build(study)


def _build(study) -> list[dict]:
    form = form_for(study)
    spec = spec_of(form)
    questions = [q for q in spec.tabulated() if q.type in TABULATED]
    sizes = submitted_sizes(form)
    practices = {p.id: p for p in db.session.scalars(select(Practice).order_by(Practice.ods_code))}
    groups = sorted(sizes, key=lambda pid: practices[pid].ods_code)
    counted = count_in_sql(form, questions, groups)
    if counted is None:  # a database without JSON functions: count in Python
        cases = load_cases(form)
        counted = count_matrix(cases.assign(group=cases["practice_id"]), questions, groups)
    chosen, answered = counted
    row = {pid: i for i, pid in enumerate(groups)}
    profiles = {pid: _profile(p) for pid, p in practices.items()}
    by_code = {p.ods_code: pid for pid, p in practices.items()}
    z_scores = national_z_scores(profiles.values())
    eligible = [profiles[pid] for pid in groups if sizes[pid] >= MIN_COLUMN_CASES]
    pool = Pool(eligible, z_scores, study.match_weights or None)
    data_dates = [practices[pid].data_date for pid in groups if practices[pid].data_date]
    common = {
        "instrument": INSTRUMENT,
        "study": {"slug": study.slug, "title": study.title, "round": study.round},
        "form_title": spec.title,
        "sampling_frame": spec.sampling_frame,
        "questions": [
            {"code": q.code, "text": q.text, "type": q.type, "choices": q.choices}
            for q in questions
        ],
        "network": column(chosen.sum(axis=0), answered.sum(axis=0), questions, protect=False),
        "method_version": METHOD_VERSION,
    }
    common["questions"] = [
        {**q, "choices": [{"code": c.code, "label": c.label} for c in q["choices"]]}
        for q in common["questions"]
    ]
    reports = []
    for pid in groups:
        match = pool.match(profiles[pid], k=study.peer_group_size)
        own = column(chosen[row[pid]], answered[row[pid]], questions, protect=False)
        comparator = peers = None
        if match.comparator:
            other = row[by_code[match.comparator]]
            comparator = column(chosen[other], answered[other], questions, protect=True)
        if match.peer_group:
            rows = [row[by_code[code]] for code, _ in match.peer_group]
            peers = column(
                chosen[rows].sum(axis=0), answered[rows].sum(axis=0), questions, protect=True
            )
        payload = {
            **common,
            "practice": {"name": practices[pid].name, "ods_code": practices[pid].ods_code},
            "cases": int(sizes[pid]),
            "target": form.target_cases,
            "own": own,
            "comparator": comparator,
            "peer_group": peers,
            "method": {
                "statement": method_statement(match, max(data_dates, default=date.today())),
                "match": match.to_dict(),  # stored for audit; never displayed
            },
        }
        reports.append(
            {"kind": "practice", "practice_id": pid, "user_id": None, "payload": payload}
        )
    return reports


def column(chosen: np.ndarray, answered: np.ndarray, questions, *, protect: bool) -> dict:
    """One column of the report: per question, N and per answer n, % and Wilson interval.

    Protected columns (another practice, a peer group) show counts as `disclosure` says
    ("<8", rounded to 5), whole percentages, and withhold the % of a count below 8; in a
    one-choice question a lone withheld answer takes the next smallest with it, so it cannot
    be worked out as 100% minus the rest.
    """
    result, j = {}, 0
    for i, q in enumerate(questions):
        total = int(answered[i])
        counts = [int(n) for n in chosen[j : j + len(q.choices)]]
        j += len(q.choices)
        withheld = {k for k, n in enumerate(counts) if protect and 0 < n < disclosure.SMALL_COUNT}
        if protect and q.type == "single" and len(withheld) == 1:
            others = [(n, k) for k, n in enumerate(counts) if n > 0 and k not in withheld]
            if others:
                withheld.add(min(others)[1])
        if protect and 0 < total < MIN_COLUMN_CASES:
            withheld = set(range(len(counts)))
        cells = {}
        for k, (choice, n) in enumerate(zip(q.choices, counts, strict=True)):
            cells[choice.code] = _cell(n, total, protect=protect, withheld=k in withheld)
        result[q.code] = {
            "answered": disclosure.display_count(total) if protect else str(total),
            "cells": cells,
        }
    return result


def _cell(n: int, total: int, *, protect: bool, withheld: bool) -> dict:
    count = disclosure.display_count(n) if protect else str(n)
    if withheld or not total:
        return {"n": count, "percent": None, "ci": None}
    low, high = wilson_interval(n, total)
    digits = 0 if protect else 1
    return {
        "n": count,
        "percent": round(n / total * 100, digits),
        "ci": [round(low * 100, digits), round(high * 100, digits)],
    }


def withheld_cells(payload: dict) -> int:
    """Cells the protected columns (similar practice, peer group) show without a percentage
    although the question has answers there: the study team's review count. The practice's
    own column and the network are exact, and a missing column hides nothing."""
    return sum(
        cell["percent"] is None
        for key in ("comparator", "peer_group")
        for question in (payload.get(key) or {}).values()
        if question["answered"] != "0"
        for cell in question["cells"].values()
    )


def plug_into_reports(present) -> None:
    """Let the reports pipeline build and show a record audit's reports from its definition
    (called by the application factory; `present` is `casebook.presenting.report_context`)."""
    report_actions.BUILDERS[INSTRUMENT] = (applies, build_audit_reports)
    report_presenting.PRESENTERS[INSTRUMENT] = present
    report_build.WITHHELD_COUNTERS[INSTRUMENT] = withheld_cells
