"""Uptake figures as files: CSV, XLSX (with a data dictionary sheet) and Stata .dta (with
variable labels). DataFrame in, bytes out; no database here."""

import io

import pandas as pd

DATA_DICTIONARY = {
    "study": "Study short name",
    "wave": "Survey wave number",
    "table": "headline, answers, breakdown or movement (as on the statistics page)",
    "question": "Question code (stable across waves and studies)",
    "breakdown": "Breakdown: nation, region, list_size_band, imd_quintile, respondent_role",
    "group": "Group of the breakdown (IMD quintiles are within each nation's own index)",
    "answer": "Answer code; yes_or_planning = yes plus planning; movement: previous wave's",
    "label": "Answer as shown to practices",
    "to_answer": "Movement: answer in this wave",
    "from_wave": "Movement: the previous wave",
    "n": "Practices giving this answer (empty where withheld)",
    "n_responded": "Practices that answered the question (denominator)",
    "response_rate": "Headline: n_responded / n_sent x 100, one decimal",
    "withheld": "Breakdown group withheld: fewer than 3 practices, or one more to protect it",
    "sentence": "Headline sentence in the published form",
    "percent": "n / n_responded x 100, one decimal",
    "percent_shown": "Whole percentage as published (largest remainder: answers add to 100)",
    "ci_low": "Wilson 95% confidence interval, lower bound (%; headline: of the response rate)",
    "ci_high": "Wilson 95% confidence interval, upper bound (%; headline: of the response rate)",
    "n_sent": "Practices sent a report (released in the app or recorded as sent)",
}


def dictionary_frame(columns) -> pd.DataFrame:
    """One row per column: variable and description."""
    return pd.DataFrame(
        [(c, DATA_DICTIONARY.get(c, "")) for c in columns], columns=["variable", "description"]
    )


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """Sheets "uptake" (the figures) and "data_dictionary"."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="uptake", index=False)
        dictionary_frame(frame.columns).to_excel(writer, sheet_name="data_dictionary", index=False)
    return buffer.getvalue()


def to_dta(frame: pd.DataFrame) -> bytes:
    """Stata 14+ file; every variable carries its data-dictionary description as its label."""
    buffer = io.BytesIO()
    labels = {c: DATA_DICTIONARY.get(c, "")[:80] for c in frame.columns}
    frame.to_stata(buffer, write_index=False, version=118, variable_labels=labels)
    return buffer.getvalue()
