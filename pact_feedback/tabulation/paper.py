"""Uptake for the paper: everything the statistics page shows, as one long frame (CSV, XLSX,
.dta) and as JSON (CLI and API). Pure pandas; suppression comes from breakdowns.py as is.

The long frame has a `table` column: headline (denominators, response rate, the published
sentence), answers (each question's choice table), breakdown (by practice characteristic,
withheld groups with empty counts) and movement (previous wave's answer -> this wave's).
"""

import math

import pandas as pd

from pact_feedback.tabulation.uptake import Uptake

COLUMNS = [
    "study", "wave", "table", "question", "breakdown", "group", "answer", "label", "to_answer",
    "from_wave", "n", "n_responded", "n_sent", "response_rate", "percent", "percent_shown",
    "ci_low", "ci_high", "withheld", "sentence",
]  # fmt: skip


def _one(value):
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 1)


def _int(value):
    return None if value is None or value is pd.NA or pd.isna(value) else int(value)


def _headline_rows(uptake: Uptake) -> list[dict]:
    s = uptake.summary
    return [
        {
            "table": "headline",
            "question": code,
            "n_sent": s["n_sent"],
            "n_responded": s["n_responded"],
            "response_rate": _one(s["response_rate"]),
            "ci_low": _one(s["ci_low"]),
            "ci_high": _one(s["ci_high"]),
            "sentence": sentence,
        }
        for code, sentence in uptake.headlines.items()
    ]


def _answer_rows(uptake: Uptake) -> list[dict]:
    return [
        {
            "table": "answers",
            "question": code,
            "answer": answer,
            "label": row["label"],
            "n": int(row["n"]),
            "n_responded": int(row["n_responded"]),
            "n_sent": uptake.summary["n_sent"],
            "percent": _one(row["percent"]),
            "percent_shown": int(row["percent_shown"]),
            "ci_low": _one(row["ci_low"]),
            "ci_high": _one(row["ci_high"]),
        }
        for code, table in uptake.tables.items()
        for answer, row in table.iterrows()
    ]


def _breakdown_rows(uptake: Uptake) -> list[dict]:
    rows = []
    for (code, by), frame in uptake.breakdowns.items():
        answers = [c[2:] for c in frame.columns if c.startswith("n_") and c != "n_responded"]
        for group, g in frame.iterrows():
            for answer in answers:
                rows.append(
                    {
                        "table": "breakdown",
                        "question": code,
                        "breakdown": by,
                        "group": str(group),
                        "answer": answer,
                        "n": _int(g[f"n_{answer}"]),
                        "n_responded": _int(g["n_responded"]),
                        "percent_shown": _int(g[f"pct_{answer}"]),
                        "withheld": bool(g["withheld"]),
                    }
                )
    return rows


def _movement_rows(uptake: Uptake) -> list[dict]:
    return [
        {
            "table": "movement",
            "question": code,
            "from_wave": uptake.movement_from,
            "answer": before,
            "to_answer": after,
            "n": int(counts[after]),
        }
        for code, crosstab in uptake.movements.items()
        for before, counts in crosstab.iterrows()
        for after in crosstab.columns
    ]


def paper_frame(study_slug: str, uptake: Uptake) -> pd.DataFrame:
    """Every figure of the page for one wave, one row each, in COLUMNS order (see module doc)."""
    rows = (
        _headline_rows(uptake)
        + _answer_rows(uptake)
        + _breakdown_rows(uptake)
        + _movement_rows(uptake)
    )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["study"], frame["wave"] = study_slug, uptake.wave
    for column in ("n", "n_responded", "n_sent", "from_wave", "percent_shown"):
        frame[column] = frame[column].astype("Int64")  # whole numbers, empty where withheld
    frame["withheld"] = frame["withheld"].astype("boolean")
    text = ["question", "breakdown", "group", "answer", "label", "to_answer", "sentence", "table"]
    frame[text] = frame[text].astype(object).where(frame[text].notna(), "")  # Stata: no nulls
    return frame


def paper_json(study_slug: str, uptake: Uptake) -> dict:
    """The same content for `flask surveys stats` and the API."""
    s = uptake.summary
    return {
        "study": study_slug,
        "wave": uptake.wave,
        "n_sent": s["n_sent"],
        "n_responded": s["n_responded"],
        "response_rate": _one(s["response_rate"]),
        "response_rate_ci": [_one(s["ci_low"]), _one(s["ci_high"])],
        "headlines": dict(uptake.headlines),
        "questions": {
            code: {
                answer: {
                    "n": int(row["n"]),
                    "percent": _one(row["percent"]),
                    "ci_low": _one(row["ci_low"]),
                    "ci_high": _one(row["ci_high"]),
                }
                for answer, row in table.iterrows()
            }
            for code, table in uptake.tables.items()
        },
        "breakdowns": _breakdowns_json(uptake),
        "movement": {
            code: {
                "from_wave": uptake.movement_from,
                "counts": {b: {a: int(n) for a, n in row.items()} for b, row in m.iterrows()},
            }
            for code, m in uptake.movements.items()
        },
    }


def _breakdowns_json(uptake: Uptake) -> dict:
    out: dict = {}
    for row in _breakdown_rows(uptake):
        group = out.setdefault(row["question"], {}).setdefault(row["breakdown"], {})
        entry = group.setdefault(
            row["group"],
            {"n_responded": row["n_responded"], "withheld": row["withheld"], "answers": {}},
        )
        entry["answers"][row["answer"]] = {"n": row["n"], "percent": row["percent_shown"]}
    return out
