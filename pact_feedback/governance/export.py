"""Pseudonymised analysis exports: a ZIP of tidy CSVs, a data dictionary and a README.

The diary tables stream: rows are read with Core selects in chunks (a server-side cursor on
PostgreSQL) and written row by row into their ZIP entries, so a whole-UK round (millions of task
entries) is exported in the same small memory as a demo one (docs/performance.md, "Analysis
export at scale"). Only the optional spreadsheets need whole tables in memory, so they are
offered up to `SPREADSHEET_LIMIT` diary rows.

Participants and practices appear as stable study IDs: HMAC-SHA256 of their internal id keyed
with the study's own secret (`StudyKey`), truncated to 10 hex digits. The same person has the
same ID in every export of a study and a different one in every other study. Names, emails and
ODS codes never appear; free text (diary notes, free-text survey answers) only when asked for.
Dates can be shifted by a per-participant number of days (also derived from the key), so a
participant's days keep their order and spacing.
"""

import hashlib
import hmac
import io
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import BinaryIO

import pandas as pd
from sqlalchemy import String, case, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from pact_feedback.accounts.roles import STAFF_ROLES
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.diary.validation import WHO_COULD_LABELS
from pact_feedback.extensions import db
from pact_feedback.governance import anonymity
from pact_feedback.governance.models import StudyKey
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys.definitions import TYPE_LABELS, spec_of
from pact_feedback.surveys.models import Survey, SurveyResponse, SurveyWave
from pact_feedback.tabulation import exports

MAX_SHIFT_DAYS = 30
CHUNK = 5_000  # diary rows fetched per round trip, and between progress calls
STREAM_COMPRESS_LEVEL = 1  # zlib level of the streamed diary tables (see _stream)
SPREADSHEET_LIMIT = 100_000  # diary days + task entries: above it no XLSX / Stata (whole frames)
PSEUDONYM_CACHE = 8_192  # participants (and days) whose pseudonyms are kept, least recent out
_STAFF = "; ".join(f"{code}={label}" for code, label in STAFF_ROLES)
_WHO = "; ".join(f"{code}={label}" for code, label in WHO_COULD_LABELS.items())


@dataclass
class ExportOptions:
    include_notes: bool = False
    shift_dates: bool = True  # real dates only by an explicit, audited choice
    spreadsheets: bool = False  # also analysis.xlsx and stata/*.dta


@dataclass
class Export:
    data: bytes
    rows: dict[str, int] = field(default_factory=dict)


class ExportTooLarge(ValueError):
    """The options ask for more than can be built in bounded memory (the spreadsheets of a
    large study); the message says what to do instead."""


def spreadsheet_refusal(study, rows: int | None = None) -> str | None:
    """Why the spreadsheets (XLSX, Stata) cannot be included for `study`, or None if they can."""
    rows = count_rows(study) if rows is None else rows
    if rows <= SPREADSHEET_LIMIT:
        return None
    return (
        f"This study has {rows:,} diary rows (days and task entries). The Excel and Stata "
        f"versions are built only for up to {SPREADSHEET_LIMIT:,}, as they need every row in "
        "memory. Export the CSVs alone: they open in Excel, Stata, R and Python."
    )


def study_key(study) -> bytes:
    """The study's pseudonymisation secret, created on first use."""
    key = db.session.scalar(select(StudyKey).filter_by(study_id=study.id))
    if key is None:
        key = StudyKey(study_id=study.id, secret=secrets.token_hex(32))
        db.session.add(key)
        commit()
    return bytes.fromhex(key.secret)


class Pseudonyms:
    """Study IDs and date shifts, each an HMAC computed once per participant, practice or day
    and kept in a bounded cache (a streamed export asks for the same participant on every one of
    their rows)."""

    def __init__(self, key: bytes):
        self.key = key
        self.participant = lru_cache(PSEUDONYM_CACHE)(self._participant)
        self.practice = lru_cache(PSEUDONYM_CACHE)(self._practice)
        self.shift = lru_cache(PSEUDONYM_CACHE)(self._shift)

    def _digest(self, kind: str, value) -> str:
        return hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def _participant(self, user_id: int) -> str:
        return "P-" + self._digest("participant", user_id)[:10]

    def _practice(self, practice_id: int) -> str:
        return "S-" + self._digest("practice", practice_id)[:10]

    def _shift(self, user_id) -> int:
        """Days to add to this participant's (or ("practice", id)'s) dates: -30..30, never 0."""
        n = int(self._digest("shift", user_id)[:8], 16) % (2 * MAX_SHIFT_DAYS)
        return n - MAX_SHIFT_DAYS if n < MAX_SHIFT_DAYS else n - MAX_SHIFT_DAYS + 1

    def day(self, day_id: int) -> str:
        return "D-" + self._digest("day", day_id)[:10]


def _comment(model, column: str) -> str:
    return model.__table__.c[column].comment or ""


def _iso(value) -> str:
    return "" if value is None else value.isoformat()


def _bool(value) -> str:
    return "" if value is None else str(int(bool(value)))


_BOOL = {None: "", True: "1", False: "0"}  # _bool by lookup, for the streamed tables


def _hhmm(value) -> str:
    return value.isoformat(timespec="minutes") if value else ""  # = strftime("%H:%M")


class _Table:
    """One CSV and its rows of the data dictionary. `rows` is a list for the small tables and
    a generator of chunks (lists of rows) for the streamed diary tables; `count` is set as they
    are written."""

    def __init__(self, name: str):
        self.name = name
        self.columns: list[tuple[str, str, str, str]] = []  # variable, label, type, allowed
        self.rows: list[list] = []
        self.chunks: Iterable[list[list]] | None = None  # streamed instead of `rows`
        self.count = 0

    def column(self, variable, label, kind, allowed=""):
        self.columns.append((variable, label, kind, allowed))

    @property
    def header(self) -> list[str]:
        return [c[0] for c in self.columns]

    def csv(self) -> bytes:
        return exports.csv_rows(self.header, self.rows)


def _categories_allowed(study) -> str:
    categories = db.session.scalars(
        select(Category).filter_by(study_id=study.id).order_by(Category.position, Category.code)
    )
    return "; ".join(f"{c.code}={c.label}" for c in categories)


def build_export(study, options: ExportOptions, progress: Callable[[int], None] | None = None):
    """The export as ZIP bytes and its row counts per file (tests, small studies: the bytes
    are in memory; the job and `flask export` use `write_export` to a file)."""
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as out:
        rows = write_export(study, options, out, progress)
        out.seek(0)
        return Export(data=out.read(), rows=rows)


def write_export(
    study, options: ExportOptions, out: BinaryIO, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write the export (a ZIP) to the binary file `out`; its row counts per file.

    Bounded memory: the diary tables are read `CHUNK` rows at a time and written row by row
    through the app's CSV writer (formula cells neutralised) into their ZIP entries; the data
    dictionary needs only the columns, the README the counts made while writing. `progress(n)`
    is called after every chunk with the diary rows (days, entries) just written. Raises
    `ExportTooLarge` for spreadsheets above `SPREADSHEET_LIMIT` rows, before writing anything."""
    if options.spreadsheets and (refusal := spreadsheet_refusal(study)):
        raise ExportTooLarge(refusal)
    names = Pseudonyms(study_key(study))
    advance = progress or (lambda n: None)
    days = _diary_days(study, names, options)
    entries = _task_entries(study, names, options)
    responses = _survey_responses(study, names, options)
    practices = _practices(study, names)
    tables = [days, entries, responses, practices]
    dictionary = _Table("data_dictionary.csv")
    for variable, label in (
        ("file", "File the variable is in"),
        ("variable", "Column name"),
        ("label", "What it means"),
        ("type", "Data type"),
        ("allowed_values", "Codes and their meaning, or the range"),
    ):
        dictionary.column(variable, label, "text")
    for table in tables:
        for variable, label, kind, allowed in table.columns:
            dictionary.rows.append([table.name, variable, label, kind, allowed])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in [*tables, dictionary]:
            if table.chunks is None:
                table.count = len(table.rows)
                archive.writestr(table.name, table.csv())
            else:
                _stream(archive, table, advance, keep=options.spreadsheets)
        if options.spreadsheets:
            frames = {t.name.removesuffix(".csv"): _frame(t) for t in [*tables, dictionary]}
            archive.writestr("analysis.xlsx", exports.xlsx_bytes(frames))
            for table in tables:
                name = table.name.removesuffix(".csv")
                archive.writestr(f"stata/{name}.dta", _stata(table, frames[name]))
        archive.writestr("README.txt", _readme(study, options, tables))
    return {t.name: t.count for t in tables}


def _stream(archive: zipfile.ZipFile, table: _Table, advance, *, keep: bool) -> None:
    """Write a streamed table into its own ZIP entry (ZIP64: it may pass 4 GiB), counting its
    rows; `keep` also keeps them (for the spreadsheets, which are size-limited)."""

    def rows() -> Iterator[list]:
        for chunk in table.chunks:
            table.count += len(chunk)
            if keep:
                table.rows.extend(chunk)
            yield from chunk
            advance(len(chunk))

    # Deflate level 1: a sixth of level 6's time (the default, which took a third of a big
    # export's time) for files about a quarter bigger; the CSV inside is the same.
    level, archive.compresslevel = archive.compresslevel, STREAM_COMPRESS_LEVEL
    try:
        entry = archive.open(table.name, "w", force_zip64=True)  # takes the level now
    finally:
        archive.compresslevel = level
    with io.TextIOWrapper(entry, encoding="utf-8", newline="") as text:
        exports.write_csv(text, table.header, rows())


NUMERIC_KINDS = {"integer", "number", "number (%)", "0/1"}


def _frame(table: _Table):
    """The table as a DataFrame: numeric columns as numbers (empty = missing), others text."""
    frame = pd.DataFrame(table.rows, columns=[c[0] for c in table.columns], dtype=object)
    for variable, _, kind, _ in table.columns:
        if kind in NUMERIC_KINDS:
            frame[variable] = pd.to_numeric(
                frame[variable].replace("", None), errors="coerce"
            ).astype("float64")
        else:
            frame[variable] = frame[variable].map(lambda v: "" if v is None else str(v))
    return frame


def _stata(table: _Table, frame) -> bytes:
    """Stata 118 (.dta): names at most 32 characters, variable labels at most 80."""
    renamed, labels, used = {}, {}, set()
    for variable, label, _, _ in table.columns:
        name = variable[:32]
        n = 1
        while name in used:
            n += 1
            name = f"{variable[: 32 - len(str(n)) - 1]}_{n}"
        used.add(name)
        renamed[variable] = name
        labels[name] = label
    strl = [renamed[v] for v, _, kind, _ in table.columns if kind == "free text"]
    return exports.dta_bytes(frame.rename(columns=renamed), labels, strl)


def count_rows(study) -> int:
    """Diary days plus task entries: the size of the export, for the progress bar."""
    days = db.session.scalar(
        select(db.func.count(DiaryDay.id)).where(DiaryDay.study_id == study.id)
    )
    entries = db.session.scalar(
        select(db.func.count(TaskEntry.id))
        .join(DiaryDay, DiaryDay.id == TaskEntry.day_id)
        .where(DiaryDay.study_id == study.id)
    )
    return days + entries


class _Categories(dict):
    """Category id -> (code, group): the study's taxonomy (a few dozen rows) read once, instead
    of a join on every entry; an id from elsewhere is looked up when first met."""

    def __init__(self, study):
        query = select(Category.id, Category.code, Category.group)
        super().__init__(
            (id_, (code, group))
            for id_, code, group in db.session.execute(query.filter_by(study_id=study.id))
        )
        self.query = query

    def __missing__(self, category_id):
        _, code, group = db.session.execute(self.query.filter_by(id=category_id)).one()
        self[category_id] = (code, group)
        return self[category_id]


def _chunks(query) -> Iterator[list]:
    """The query's rows as lists of at most `CHUNK` tuples, streamed, never all at once.

    On PostgreSQL the compiled select runs on a psycopg server-side cursor (each chunk one
    FETCH): its rows are plain tuples of Python values (no type needs converting there), a third
    of the CPU time of SQLAlchemy's streamed Rows. Elsewhere (SQLite, whose dates and times are
    text SQLAlchemy converts) the select streams with `yield_per`."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        compiled = query.compile(dialect=connection.dialect)
        raw = connection.connection.driver_connection
        with (
            raw.cursor(name=f"pact_export_{secrets.token_hex(4)}") as cursor,
            ThreadPoolExecutor(1, thread_name_prefix="pact-export-fetch") as fetcher,
        ):
            cursor.execute(str(compiled), compiled.params)
            # One chunk ahead: PostgreSQL sends the next chunk while this one is written.
            ahead = fetcher.submit(cursor.fetchmany, CHUNK)
            while rows := ahead.result():
                ahead = fetcher.submit(cursor.fetchmany, CHUNK)
                yield rows
        return
    result = connection.execute(query, execution_options={"yield_per": CHUNK})
    try:
        yield from result.partitions()
    finally:
        result.close()


def _shifted(names, options, user_id, value):
    if value is None or not options.shift_dates:
        return value
    return value + timedelta(days=names.shift(user_id))


def diary_days_query(study_id: int):
    """The diary days as the export reads them (also the floor of bench/export_scale.py)."""
    return (
        select(
            DiaryDay.id,
            DiaryDay.user_id,
            DiaryDay.practice_id,
            DiaryDay.date,
            DiaryDay.staff_role,
            DiaryDay.scheduled_start,
            DiaryDay.scheduled_end,
            DiaryDay.sessions,
            DiaryDay.typical,
            DiaryDay.workload_rating,
            DiaryDay.completed_at.is_not(None),
        )
        .where(DiaryDay.study_id == study_id)
        .order_by(DiaryDay.user_id, DiaryDay.date)
    )


class _HHMM(FunctionElement):
    """A time column as 'HH:MM' text (NULL stays NULL), formatted by the database."""

    type = String()
    name = "hhmm"
    inherit_cache = True


@compiles(_HHMM, "postgresql")
def _hhmm_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'HH24:MI')"


@compiles(_HHMM)
def _hhmm_sqlite(element, compiler, **kw):  # SQLAlchemy keeps SQLite times as 'HH:MM:SS.ffffff'
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 5)"


def _flag(column):
    """A boolean column as '1' / '0' text (NULL stays NULL): `_bool`, in the database."""
    return case((column.is_(None), None), (column, "1"), else_="0")


def task_entries_query(study_id: int, *, include_notes: bool):
    """The task entries with their day's participant, as the export reads them: every column
    after the category already as the CSV cell (None = empty), so a row needs only its IDs and
    category in Python (categories come from `_Categories`). Also the floor of
    bench/export_scale.py."""
    columns = [
        TaskEntry.day_id,
        DiaryDay.user_id,
        TaskEntry.category_id,
        TaskEntry.minutes,
        _HHMM(TaskEntry.started_at),
        _HHMM(TaskEntry.ended_at),
        TaskEntry.item_count,
        _flag(TaskEntry.outside_hours),
        _flag(TaskEntry.interrupted),
        TaskEntry.could_be_done_by,
    ]
    if include_notes:
        columns.append(TaskEntry.note)
    return (
        select(*columns)
        .join(DiaryDay, DiaryDay.id == TaskEntry.day_id)
        .where(DiaryDay.study_id == study_id)
        .order_by(DiaryDay.user_id, DiaryDay.date, TaskEntry.started_at, TaskEntry.id)
    )


def _diary_days(study, names, options) -> _Table:
    t = _Table("diary_days.csv")
    t.column("day_id", "Diary day study ID (links task_entries.csv)", "text")
    t.column("participant_id", "Participant study ID", "text")
    t.column("practice_id", "Practice study ID (links practices.csv)", "text")
    date_label = _comment(DiaryDay, "date") + (
        " (shifted by a fixed number of days per participant)" if options.shift_dates else ""
    )
    t.column("date", date_label, "date (YYYY-MM-DD)")
    t.column("weekday", "Day of the week, 0 = Monday (after any shift)", "integer", "0-6")
    t.column("staff_role", _comment(DiaryDay, "staff_role"), "code", _STAFF)
    for column, kind in (("scheduled_start", "time (HH:MM)"), ("scheduled_end", "time (HH:MM)")):
        t.column(column, _comment(DiaryDay, column), kind)
    t.column("sessions", _comment(DiaryDay, "sessions"), "number", ">= 0")
    t.column("typical", _comment(DiaryDay, "typical"), "0/1", "1=yes; 0=no; empty=not answered")
    t.column("workload_rating", _comment(DiaryDay, "workload_rating"), "integer", "0-10")
    t.column("complete", "Marked complete by the participant", "0/1", "1=yes; 0=no")
    query = diary_days_query(study.id)

    def rows(day_id, user_id, practice_id, on, role, start, end, sessions, typical, rating, done):
        on = _shifted(names, options, user_id, on)
        return [
            names.day(day_id),
            names.participant(user_id),
            names.practice(practice_id),
            on.isoformat(),
            on.weekday(),
            role,
            _hhmm(start),
            _hhmm(end),
            "" if sessions is None else sessions,
            _BOOL[typical],
            "" if rating is None else rating,
            _BOOL[bool(done)],
        ]

    t.chunks = ([rows(*day) for day in chunk] for chunk in _chunks(query))
    return t


def _task_entries(study, names, options) -> _Table:
    t = _Table("task_entries.csv")
    t.column("day_id", "Diary day study ID (links diary_days.csv)", "text")
    t.column("participant_id", "Participant study ID", "text")
    t.column(
        "category", "Task category code of the study's taxonomy", "code", _categories_allowed(study)
    )
    t.column("category_group", _comment(Category, "group"), "code", "A; B; C; D; E")
    t.column("minutes", _comment(TaskEntry, "minutes"), "integer", "1-720")
    t.column("started_at", _comment(TaskEntry, "started_at"), "time (HH:MM)")
    t.column("ended_at", _comment(TaskEntry, "ended_at"), "time (HH:MM)")
    t.column("item_count", _comment(TaskEntry, "item_count"), "integer", ">= 0")
    t.column("outside_hours", _comment(TaskEntry, "outside_hours"), "0/1", "1=yes; 0=no")
    t.column("interrupted", "Interrupted while doing it", "0/1", "1=yes; 0=no")
    t.column("could_be_done_by", _comment(TaskEntry, "could_be_done_by"), "code", _WHO)
    if options.include_notes:
        t.column("note", _comment(TaskEntry, "note"), "free text")
    query = task_entries_query(study.id, include_notes=options.include_notes)
    categories = _Categories(study)

    def chunks():
        day = None  # a day's entries are consecutive: its IDs are made once
        for chunk in _chunks(query):
            out = []
            append = out.append
            for row in chunk:
                if row[0] != day:
                    day = row[0]
                    head = (names.day(day), names.participant(row[1]))
                append(head + categories[row[2]] + tuple(row[3:]))  # None: an empty cell
            yield out

    t.chunks = chunks()
    return t


def _survey_responses(study, names, options) -> _Table:
    """One row per practice and wave (submitted responses only), one column per answer."""
    t = _Table("survey_responses.csv")
    t.column("practice_id", "Practice study ID (links practices.csv)", "text")
    t.column("wave", "Survey wave number", "integer", ">= 1")
    t.column(
        "submitted_on",
        "Date first submitted" + (" (shifted per practice)" if options.shift_dates else ""),
        "date (YYYY-MM-DD)",
    )
    survey = db.session.scalar(select(Survey).filter_by(study_id=study.id))
    if survey is None:
        return t
    specs = [spec_of(q) for q in survey.questions]
    layout = []  # (spec, choice code or None)
    for spec in specs:
        label = f"{spec.text} ({TYPE_LABELS.get(spec.type, spec.type)})"
        if spec.type == "multiple":
            for choice in spec.choices:
                t.column(
                    f"{spec.code}__{choice.code}",
                    f"{spec.text}: {choice.label}",
                    "0/1",
                    "1=chosen; 0=not chosen; empty=question not answered",
                )
                layout.append((spec, choice.code))
        elif spec.type == "text" and not options.include_notes:
            continue
        else:
            kinds = {
                "single": "code",
                "scale_1_5": "integer",
                "date": "date (YYYY-MM-DD)",
                "text": "free text",
            }
            allowed = "; ".join(f"{c.code}={c.label}" for c in spec.choices)
            if spec.type == "scale_1_5":
                allowed = "1-5 (1 = not at all, 5 = very much)"
            t.column(spec.code, label, kinds.get(spec.type, "text"), allowed)
            layout.append((spec, None))
    responses = db.session.scalars(
        select(SurveyResponse)
        .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
        .where(SurveyWave.survey_id == survey.id, SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyWave.number, SurveyResponse.practice_id)
    )
    for response in responses:
        submitted = [v for v in response.versions if v.submitted]
        answers = (submitted[-1] if submitted else response.latest).answers or {}
        row = [
            names.practice(response.practice_id),
            response.wave.number,
            _shifted(
                names, options, ("practice", response.practice_id), response.submitted_at.date()
            ).isoformat(),
        ]
        for spec, choice in layout:
            value = answers.get(spec.code)
            if choice is not None:
                row.append("" if value in (None, [], "") else int(choice in value))
            elif isinstance(value, list):
                row.append(";".join(str(v) for v in value))
            else:
                row.append("" if value is None else value)
        t.rows.append(row)
    return t


def _practices(study, names) -> _Table:
    """Enrolled practices' public demographics, banded and k-anonymous (`anonymity`), without
    names or ODS codes."""
    t = _Table("practices.csv")
    t.column("practice_id", "Practice study ID", "text")
    allowed = f"or '{anonymity.WITHHELD}' where fewer than {anonymity.K_ANONYMITY} practices share"
    for column in anonymity.QUASI_IDENTIFIERS:
        label = anonymity.DESCRIPTIONS.get(column) or _comment(Practice, column) or column
        t.column(column, label, "text", allowed)
    t.column("data_date", _comment(Practice, "data_date"), "date (YYYY-MM-DD)")
    query = (
        select(Practice)
        .join(Enrolment, Enrolment.practice_id == Practice.id)
        .where(Enrolment.study_id == study.id)
        .order_by(Practice.id)
    )
    practices = list(db.session.scalars(query))
    coarse = [anonymity.bands({c: getattr(p, c) for c in anonymity.INPUTS}) for p in practices]
    banded = anonymity.k_anonymous(pd.DataFrame(coarse, columns=anonymity.QUASI_IDENTIFIERS))
    for p, values in zip(practices, banded.itertuples(index=False), strict=True):
        t.rows.append([names.practice(p.id), *values, _iso(p.data_date)])
    return t


def _readme(study, options: ExportOptions, tables) -> str:
    counts = "\n".join(f"  {t.name}: {t.count} rows" for t in tables)
    notes = (
        "INCLUDED. Check them for anything identifying before sharing."
        if options.include_notes
        else "NOT included."
    )
    dates = (
        "Diary dates are SHIFTED by a fixed number of days (between -30 and 30) per\n"
        "  participant, survey dates per practice; the order and spacing of one participant's\n"
        "  days are kept, weekdays may change."
        if options.shift_dates
        else "Diary and survey dates are the REAL dates (chosen for the study's secure\n"
        "  environment; the choice is in the audit log)."
    )
    extra = (
        "\nOther formats\n"
        "  analysis.xlsx: every file as a sheet. stata/*.dta: Stata 118 files with\n"
        "  variable labels; names longer than 32 characters are shortened.\n"
        if options.spreadsheets
        else ""
    )
    return f"""PACT Feedback pseudonymised analysis export
Study: {study.slug} (round {study.round})
Exported: {utcnow().strftime("%Y-%m-%d %H:%M")} UTC

Files
{counts}
  data_dictionary.csv: every column of every file, with its meaning, type and allowed values

Pseudonyms
  Participants (P-...) and practices (S-...) are study IDs: a keyed hash (HMAC-SHA256) of an
  internal number with a secret kept by this study only. They are the same in every export of
  this study and different in other studies. No names, emails or ODS codes are included.
  day_id (D-...) links task_entries.csv to diary_days.csv.

Free text
  Diary notes and free-text survey answers are {notes}

Dates
  {dates}
{extra}
Handle under the study's data management plan. Participants who asked for erasure are not
in this export; withdrawn participants' data collected before withdrawal is.
"""
