"""Reading practice CSV files: every row checked, every problem reported, nothing half-imported.

`parse_practices` and `parse_enrolments` are pure: text in, rows and row errors out.
`import_practices` writes only when there are no errors at all.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from pact_feedback.audit.log import record
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.practices.models import NATIONS, Practice

PRACTICE_COLUMNS = (
    "ods_code",
    "name",
    "nation",
    "region",
    "list_size",
    "pct_65_plus",
    "imd_score",
    "imd_decile",
    "pct_rural",
    "data_date",
)
ODS_PATTERN = re.compile(r"^[A-Z0-9]{3,10}$")


@dataclass
class RowError:
    line: int  # line number in the file, counting the header as line 1
    column: str
    message: str


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unit: str = "Line"  # what RowError.line counts: lines of a file, or items of a pasted list

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


# Every CSV import (practices, enrolments, survey responses) takes at most this many rows: the
# UK has about 7,700 practices, so a bigger file is the wrong one (practices and every branch
# site, or files concatenated by mistake). Refused before parsing, so time and memory stay
# bounded whatever the file's size.
MAX_IMPORT_ROWS = 50_000
# Codes per `IN (...)` query: PostgreSQL takes at most 65,535 parameters a statement, SQLite
# 32,766.
LOOKUP_CHUNK = 5_000


def _read(text: str, required: tuple[str, ...], result: ParseResult):
    """Yield (line number, row dict) after checking the header; problems go to result."""
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > MAX_IMPORT_ROWS + 1:  # a quoted line break only ever overcounts
        result.errors.append(
            RowError(
                1,
                "",
                f"The file has {lines - 1:,} rows, more than the {MAX_IMPORT_ROWS:,} an import "
                "takes (the UK has about 7,700 practices): check it is the right file, or split "
                "it. Nothing was imported.",
            )
        )
        return
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [(name or "").strip() for name in reader.fieldnames or []]
        if not header:
            result.errors.append(RowError(1, "", "The file is empty"))
            return
        missing = [name for name in required if name not in header]
        if missing:
            names = ", ".join(missing)
            hint = ""
            if len(header) == 1 and ";" in header[0]:
                hint = (
                    ". The columns seem to be separated by semicolons (;): save the file from "
                    "Excel as “CSV (Comma delimited)” or “CSV UTF-8”, which use commas"
                )
            result.errors.append(RowError(1, names, f"Missing column(s): {names}{hint}"))
            return
        reader.fieldnames = header
        for row in reader:
            values = {k: v.strip() if isinstance(v, str) else "" for k, v in row.items() if k}
            if any(values.values()):  # skip blank lines
                yield reader.line_num, values
    except csv.Error as problem:
        line = max(reader.line_num, 1)
        result.errors.append(RowError(line, "", f"The file is not valid CSV here: {problem}"))


def _number(raw, cast, low, high, label):
    try:
        value = cast(raw)
    except ValueError:
        raise ValueError(f"{label} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{label} must be between {low} and {high}")
    return value


def _iso_date(raw: str, label: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{label} must be a date like 2026-04-01, not {raw!r}") from None


def _ods(raw: str) -> str:
    code = raw.upper()
    if not ODS_PATTERN.match(code):
        raise ValueError(f"ODS code must be 3 to 10 letters and digits, not {raw!r}")
    return code


_CHECKS = {
    "ods_code": _ods,
    "name": lambda raw: (
        raw if 0 < len(raw) <= 200 else _fail("Name is required (up to 200 characters)")
    ),
    "nation": lambda raw: (
        raw if raw in NATIONS else _fail(f"Nation must be one of {', '.join(NATIONS)}, not {raw!r}")
    ),
    "region": lambda raw: raw if 0 < len(raw) <= 100 else _fail("Region is required"),
    "list_size": lambda raw: _number(raw, int, 1, 200_000, "List size"),
    "pct_65_plus": lambda raw: _number(raw, float, 0, 100, "% aged 65+"),
    "imd_score": lambda raw: _number(raw, float, 0, 100, "IMD score"),
    "imd_decile": lambda raw: _number(raw, int, 1, 10, "IMD decile"),
    "pct_rural": lambda raw: _number(raw, float, 0, 100, "% rural"),
    "data_date": lambda raw: _iso_date(raw, "Data date"),
}


def _fail(message: str):
    raise ValueError(message)


def parse_practices(text: str) -> ParseResult:
    result = ParseResult()
    seen: dict[str, int] = {}
    for line, raw in _read(text, PRACTICE_COLUMNS, result):
        row, row_ok = {}, True
        for column in PRACTICE_COLUMNS:
            try:
                row[column] = _CHECKS[column](raw.get(column, ""))
            except ValueError as problem:
                result.errors.append(RowError(line, column, str(problem)))
                row_ok = False
        code = row.get("ods_code")
        if code and code in seen:
            result.errors.append(
                RowError(line, "ods_code", f"{code} appears twice (also on line {seen[code]})")
            )
            row_ok = False
        elif code:
            seen[code] = line
        if row_ok:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(RowError(1, "", "The file has a header but no practices"))
    return result


def parse_enrolments(text: str) -> ParseResult:
    """Rows of {"practice": Practice, "report_sent_on": date | None}, checked against the DB."""
    result = ParseResult()
    parsed = []
    for line, raw in _read(text, ("ods_code",), result):
        try:
            code = _ods(raw.get("ods_code", ""))
            sent = raw.get("report_sent_on") or None
            parsed.append((line, code, _iso_date(sent, "report_sent_on") if sent else None))
        except ValueError as problem:
            result.errors.append(RowError(line, "ods_code", str(problem)))
    known = practices_by_code([code for _, code, _ in parsed])
    for line, code, sent in parsed:
        if code not in known:
            result.errors.append(
                RowError(line, "ods_code", f"No practice with ODS code {code}; import it first")
            )
        else:
            result.rows.append({"practice": known[code], "report_sent_on": sent})
    if not result.rows and not result.errors:
        result.errors.append(RowError(1, "", "The file has a header but no practices"))
    return result


def parse_pasted_codes(codes: list[str]) -> ParseResult:
    """Enrolment rows from codes pasted into a box, problems numbered by item (1 = first code)."""
    result = parse_enrolments("ods_code\n" + "\n".join(codes))
    result.unit = "Item"
    for error in result.errors:
        error.line -= 1  # the header this function added
        error.message = re.sub(
            r"line (\d+)", lambda m: f"item {int(m.group(1)) - 1}", error.message
        )
    return result


def practices_by_code(codes) -> dict[str, Practice]:
    """The practices with these ODS codes, by code, asked for LOOKUP_CHUNK codes at a time."""
    codes = sorted(set(codes))
    found = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        found.update(
            (p.ods_code, p)
            for p in db.session.scalars(select(Practice).where(Practice.ods_code.in_(chunk)))
        )
    return found


def import_practices(result: ParseResult, *, by, source: str = "upload") -> tuple[int, int]:
    """Insert new practices and update existing ones by ODS code. Returns (created, updated)."""
    if not result.ok:
        raise ValueError("Refusing to import a file with errors")
    existing = practices_by_code(row["ods_code"] for row in result.rows)
    created = updated = 0
    for row in result.rows:
        practice = existing.get(row["ods_code"])
        if practice is None:
            db.session.add(Practice(**row))
            created += 1
        else:
            for column, value in row.items():
                setattr(practice, column, value)
            updated += 1
    record("practices_imported", by=by, created=created, updated=updated, source=source)
    commit()
    return created, updated
