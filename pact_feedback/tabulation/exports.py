"""Uptake figures as files: CSV, XLSX (with a data dictionary sheet) and Stata .dta (with
variable labels). DataFrame in, bytes out; no database here."""

import io

import pandas as pd

DATA_DICTIONARY = {
    "study": "Study short name",
    "wave": "Survey wave number",
    "question": "Question code (stable across waves and studies)",
    "answer": "Answer code; yes_or_planning = yes plus planning",
    "label": "Answer as shown to practices",
    "n": "Practices giving this answer",
    "n_responded": "Practices that answered the question (denominator)",
    "percent": "n / n_responded x 100, one decimal",
    "percent_shown": "Whole percentage as published (largest remainder: answers add to 100)",
    "ci_low": "Wilson 95% confidence interval, lower bound (%)",
    "ci_high": "Wilson 95% confidence interval, upper bound (%)",
    "n_sent": "Practices sent a report (released in the app or recorded as sent)",
}


def dictionary_frame(columns, dictionary=DATA_DICTIONARY) -> pd.DataFrame:
    """One row per column: variable and description."""
    return pd.DataFrame(
        [(c, dictionary.get(c, "")) for c in columns], columns=["variable", "description"]
    )


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, *, sheet="uptake", dictionary=DATA_DICTIONARY) -> bytes:
    """Sheets `sheet` (the figures) and "data_dictionary"."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        dictionary_frame(frame.columns, dictionary).to_excel(
            writer, sheet_name="data_dictionary", index=False
        )
    return buffer.getvalue()


def to_dta(frame: pd.DataFrame, *, dictionary=DATA_DICTIONARY) -> bytes:
    """Stata 14+ file; every variable carries its data-dictionary description as its label."""
    buffer = io.BytesIO()
    labels = {c: dictionary.get(c, "")[:80] for c in frame.columns}
    frame.to_stata(buffer, write_index=False, version=118, variable_labels=labels)
    return buffer.getvalue()
