"""Study-level tables for the paper: every tabulated question overall, by nation and by the
form's breakdown question (requester role), with Wilson intervals; the same frame feeds the
page, the CSV/XLSX/.dta files, `flask studies tabulate` and their data dictionary."""

from dataclasses import dataclass

import pandas as pd

from pact_feedback.casebook.definition import spec_of
from pact_feedback.casebook.frames import load_cases, review_pairs
from pact_feedback.casebook.tables import TABULATED, cohens_kappa, national_tables

DATA_DICTIONARY = {
    "study": "Study short name",
    "breakdown": "all, nation, or the code of the question the cases are split by",
    "group": "All, the nation, or the answer code of the breakdown question",
    "question": "Question code (stable once cases use it)",
    "choice": "Answer code (stable once cases use it)",
    "label": "Answer as shown to clinicians",
    "n": "Cases giving this answer",
    "N": "Cases that answered the question (denominator)",
    "percent": "n / N x 100, one decimal (several-choice answers need not add to 100)",
    "ci_low": "Wilson 95% confidence interval, lower bound (%), one decimal",
    "ci_high": "Wilson 95% confidence interval, upper bound (%), one decimal",
}


@dataclass
class Tabulation:
    frame: pd.DataFrame  # DATA_DICTIONARY columns, one row per breakdown, group and answer
    cases: int
    practices: int
    questions: dict  # code -> question text
    breakdown: str | None  # the question code the cases are split by
    agreement: dict  # cohens_kappa of the second reviews


def tabulate(form) -> Tabulation:
    """Submitted cases only: an audit still being entered is not yet data."""
    spec = spec_of(form)
    questions = [q for q in spec.questions if q.type in TABULATED]
    cases = load_cases(form)
    by = spec.report.get("by")
    frames = [national_tables(cases, questions, by="nation")]
    if by:
        split = national_tables(cases, questions, by=by)
        frames.append(split[split["breakdown"] != "all"])
    frame = pd.concat(frames, ignore_index=True)
    for column in ("percent", "ci_low", "ci_high"):
        frame[column] = frame[column].round(1)
    frame.insert(0, "study", form.study.slug)
    first, second = review_pairs(form)
    return Tabulation(
        frame=frame,
        cases=len(cases),
        practices=int(cases["practice_id"].nunique()) if len(cases) else 0,
        questions={q.code: q.text for q in questions},
        breakdown=by,
        agreement=cohens_kappa(first, second),
    )


def headline(result: Tabulation, question: str, choice: str) -> float | None:
    """The overall percentage of cases giving `choice` to `question`, one decimal."""
    rows = result.frame[
        (result.frame["breakdown"] == "all")
        & (result.frame["question"] == question)
        & (result.frame["choice"] == choice)
    ]
    return None if rows.empty else float(rows["percent"].iloc[0])


def sections(result: Tabulation) -> list[dict]:
    """The page's tables: one per breakdown and question, groups side by side."""
    out = []
    for breakdown, part in result.frame.groupby("breakdown", sort=False):
        for question, rows in part.groupby("question", sort=False):
            out.append(
                {
                    "breakdown": breakdown,
                    "question": question,
                    "text": result.questions[question],
                    "groups": list(dict.fromkeys(rows["group"])),
                    "rows": rows.to_dict("records"),
                }
            )
    return out


def as_json(result: Tabulation) -> dict:
    records = result.frame.astype(object).where(result.frame.notna(), None)
    return {
        "cases": result.cases,
        "practices": result.practices,
        "agreement": result.agreement,
        "tables": records.to_dict("records"),
    }
