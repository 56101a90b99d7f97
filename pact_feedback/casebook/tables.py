"""Record-audit tables, described by the form: pure pandas and numpy, frames in, frames out.

A choice question's distribution counts cases: n cases chose the answer, N cases answered the
question (several-choice answers need not add up to 100%). Intervals are Wilson 95%.
"""

import numpy as np
import pandas as pd

from pact_feedback.surveys.definitions import QuestionSpec
from pact_feedback.tabulation.tables import wilson_interval

TABULATED = ("single", "multiple")
TABLE_COLUMNS = ["group", "question", "choice", "label", "n", "N", "percent", "ci_low", "ci_high"]


def cells(questions: list[QuestionSpec]) -> list[tuple[str, str, str]]:
    """(question code, choice code, label) for every tabulated answer, in form order."""
    return [(q.code, c.code, c.label) for q in questions if q.type in TABULATED for c in q.choices]


def count_matrix(
    cases: pd.DataFrame, questions: list[QuestionSpec], groups: list
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per group: (chosen, answered).

    `cases`: one row per case, columns `group` and `answers` (question code -> answer).
    Returns `chosen[g, j]`, cases of group g choosing cell j of `cells(questions)`, and
    `answered[g, i]`, cases of group g answering the i-th tabulated question.
    """
    grid = cells(questions)
    codes = [q.code for q in questions if q.type in TABULATED]
    column = {(q, c): j for j, (q, c, _) in enumerate(grid)}
    position = {code: i for i, code in enumerate(codes)}
    row_of = {g: i for i, g in enumerate(groups)}
    chosen = np.zeros((len(groups), len(grid)), dtype=np.int64)
    answered = np.zeros((len(groups), len(codes)), dtype=np.int64)
    for group, answers in zip(cases["group"].tolist(), cases["answers"].tolist(), strict=True):
        g = row_of.get(group)
        if g is None:
            continue
        for code, i in position.items():
            value = answers.get(code)
            if value is None or value == []:
                continue
            answered[g, i] += 1
            for choice in value if isinstance(value, list) else (value,):
                j = column.get((code, choice))
                if j is not None:
                    chosen[g, j] += 1
    return chosen, answered


def distribution_frame(
    chosen: np.ndarray, answered: np.ndarray, questions: list[QuestionSpec], groups: list
) -> pd.DataFrame:
    """Long table of `TABLE_COLUMNS`: one row per group and answer, percent and interval in %."""
    grid = cells(questions)
    codes = [q.code for q in questions if q.type in TABULATED]
    question_of = np.array([codes.index(q) for q, _, _ in grid], dtype=np.int64)
    rows = []
    for g, group in enumerate(groups):
        for j, (question, choice, label) in enumerate(grid):
            n, total = int(chosen[g, j]), int(answered[g, question_of[j]])
            low, high = wilson_interval(n, total)
            percent = n / total * 100 if total else np.nan
            rows.append((group, question, choice, label, n, total, percent, low * 100, high * 100))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def national_tables(
    cases: pd.DataFrame, questions: list[QuestionSpec], *, by: str | None
) -> pd.DataFrame:
    """The study's distribution of every choice question, overall and by `by`.

    `cases`: one row per case with columns `answers` and `nation`. `by`: "nation", or a
    one-choice question code (e.g. requester role), or None for overall only. Returns
    `TABLE_COLUMNS` plus `breakdown` ("all", "nation" or the question code); `group` is "All",
    the nation, or the choice code.
    """
    frames = [_tables(cases.assign(group="All"), questions, ["All"], "all")]
    if by == "nation":
        groups = sorted(cases["nation"].dropna().unique().tolist())
        frames.append(_tables(cases.assign(group=cases["nation"]), questions, groups, "nation"))
    elif by:
        spec = next(q for q in questions if q.code == by)
        keys = cases["answers"].map(lambda a: a.get(by))
        groups = spec.choice_codes()
        frames.append(_tables(cases.assign(group=keys), questions, groups, by))
    return pd.concat(frames, ignore_index=True)


def _tables(cases, questions, groups, breakdown) -> pd.DataFrame:
    chosen, answered = count_matrix(cases, questions, groups)
    frame = distribution_frame(chosen, answered, questions, groups)
    frame.insert(0, "breakdown", breakdown)
    return frame


def cohens_kappa(first: list[str], second: list[str], z: float = 1.959963984540054) -> dict:
    """Agreement between two raters beyond chance, with a 95% interval.

    kappa = (po - pe) / (1 - pe); standard error sqrt(po (1 - po) / (n (1 - pe)^2)) (Cohen
    1960), the usual large-sample approximation. Returns n, agreement (po), kappa and its
    interval, or None values when there are no pairs or chance agreement is total.
    """
    n = len(first)
    empty = {"n": n, "agreement": None, "kappa": None, "ci_low": None, "ci_high": None}
    if n == 0:
        return empty
    codes = sorted(set(first) | set(second))
    po = sum(a == b for a, b in zip(first, second, strict=True)) / n
    pe = sum((first.count(c) / n) * (second.count(c) / n) for c in codes)
    if pe >= 1:
        return {**empty, "agreement": po}
    kappa = (po - pe) / (1 - pe)
    se = (po * (1 - po) / (n * (1 - pe) ** 2)) ** 0.5
    return {
        "n": n,
        "agreement": po,
        "kappa": kappa,
        "ci_low": max(-1.0, kappa - z * se),
        "ci_high": min(1.0, kappa + z * se),
    }
