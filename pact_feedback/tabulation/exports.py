"""DataFrames as files: the one CSV / XLSX / Stata writer every download of the app uses, and
the uptake figures through it (XLSX with a data dictionary sheet, .dta with variable labels).
DataFrame in, bytes out; no database here.

Text a spreadsheet would run as a formula (OWASP "CSV injection": a cell starting with = + - @,
a tab or a carriage return) is written inert: prefixed with ' in CSV, typed as a string in XLSX.
Numbers stay numbers. Stata never evaluates text, so .dta keeps it as typed.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import TextIO

import openpyxl
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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


def dictionary_frame(columns, dictionary=DATA_DICTIONARY) -> pd.DataFrame:
    """One row per column: variable and description."""
    return pd.DataFrame(
        [(c, dictionary.get(c, "")) for c in columns], columns=["variable", "description"]
    )


def neutralise(value):
    """A CSV cell that no spreadsheet will run: text starting a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Where a neutralised cell can begin in written CSV: a formula character at the start of a line
# (after LF) or after a comma, or just inside an opening quote. A cell starting with CR is always
# quoted, so an unquoted CR is only a line end. Matches inside quoted text are false alarms.
_UNQUOTED = "".join(c for c in FORMULA_STARTS if c != "\r")
_FORMULA_CELL = re.compile(
    rf"(?:^|,)(?:[{re.escape(_UNQUOTED)}]|\"[{re.escape(''.join(FORMULA_STARTS))}])", re.MULTILINE
)


def _may_hold_formula(text: str) -> bool:
    """False only if no cell of the CSV `text` starts with a formula character. First a few
    plain substring scans (memchr-fast), which in a diary table find nothing; only text with a
    formula character anywhere ("-" only after a comma or LF) or a quoted cell is then searched
    with `_FORMULA_CELL` (slower: it stops at every comma)."""
    rare = [c for c in _UNQUOTED if c != "-"]
    if (
        not (any(c in text for c in rare) or ",-" in text or "\n-" in text or text.startswith("-"))
        and '"' not in text
    ):
        return False
    return _FORMULA_CELL.search(text) is not None


BATCH = 2_000  # rows written together by write_csv


def write_csv(out: TextIO, header: Iterable, rows: Iterable[Iterable]) -> None:
    """Rows (of plain values) as CSV (RFC 4180) into the text stream `out` as they come, every
    text cell neutralised: `rows` may be a generator over millions of rows (the analysis
    export streams its diary tables through here), taken `BATCH` at a time.

    Each batch is written as it is; if no cell of it starts with a formula character (the usual
    case, see `_may_hold_formula`) that is what `neutralise` on every cell would have written,
    else the batch is written again cell by cell through `neutralise`."""
    writer = csv.writer(out, lineterminator="\r\n")  # so a lone CR in text is quoted too
    writer.writerow([neutralise(h) for h in header])
    rows = iter(rows)
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\r\n")
    while batch := list(islice(rows, BATCH)):
        buffer.seek(0)
        buffer.truncate()
        plain.writerows(batch)
        text = buffer.getvalue()
        if not _may_hold_formula(text):
            out.write(text)
        else:
            writer.writerows([neutralise(v) for v in row] for row in batch)


def csv_rows(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """Rows (of plain values) as UTF-8 CSV (RFC 4180), every text cell neutralised."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue().encode("utf-8")


def _plain(value):
    """A cell value without pandas' missing markers (written as an empty cell)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV (no index); missing values are empty cells."""
    rows = ([_plain(v) for v in row] for row in frame.itertuples(index=False, name=None))
    return csv_rows(frame.columns, rows)


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One worksheet per frame (names cut to Excel's 31 characters); text cells are strings."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(str(name)[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_plain(v.item() if hasattr(v, "item") else v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would store "=..." as a live formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dta_bytes(frame: pd.DataFrame, labels: Mapping[str, str], strl: Iterable[str] = ()) -> bytes:
    """Stata 118 (.dta); `labels`: variable labels (at most 80 characters each)."""
    buffer = io.BytesIO()
    frame.to_stata(
        buffer,
        write_index=False,
        version=118,
        variable_labels={c: text[:80] for c, text in labels.items()},
        convert_strl=list(strl),
    )
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame) -> bytes:
    return csv_bytes(frame)


def to_xlsx(frame: pd.DataFrame, *, sheet="uptake", dictionary=DATA_DICTIONARY) -> bytes:
    """Sheets `sheet` (the figures) and "data_dictionary"."""
    return xlsx_bytes(
        {sheet: frame, "data_dictionary": dictionary_frame(frame.columns, dictionary)}
    )


def to_dta(frame: pd.DataFrame, *, dictionary=DATA_DICTIONARY) -> bytes:
    """Stata 14+ file; every variable carries its data-dictionary description as its label."""
    return dta_bytes(frame, {c: dictionary.get(c, "") for c in frame.columns})


MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "dta": "application/x-stata-dta",
}


def table_file(
    kind: str, frame: pd.DataFrame, *, sheet: str, dictionary=DATA_DICTIONARY
) -> tuple[bytes, str]:
    """A table download as (bytes, mimetype): `kind` csv, xlsx (`sheet` and the data dictionary)
    or dta (variable labels from `dictionary`). Every table download of the app comes here."""
    if kind == "csv":
        return to_csv(frame), MIMETYPES[kind]
    if kind == "xlsx":
        return to_xlsx(frame, sheet=sheet, dictionary=dictionary), MIMETYPES[kind]
    if kind == "dta":
        return to_dta(frame, dictionary=dictionary), MIMETYPES[kind]
    raise ValueError(f"no table file of kind {kind!r}")
