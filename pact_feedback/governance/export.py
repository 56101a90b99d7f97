"""Pseudonymised analysis exports: a ZIP of tidy CSVs, a data dictionary and a README.

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
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd
from sqlalchemy import select

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


def study_key(study) -> bytes:
    """The study's pseudonymisation secret, created on first use."""
    key = db.session.scalar(select(StudyKey).filter_by(study_id=study.id))
    if key is None:
        key = StudyKey(study_id=study.id, secret=secrets.token_hex(32))
        db.session.add(key)
        commit()
    return bytes.fromhex(key.secret)


class Pseudonyms:
    def __init__(self, key: bytes):
        self.key = key

    def _digest(self, kind: str, value) -> str:
        return hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def participant(self, user_id: int) -> str:
        return "P-" + self._digest("participant", user_id)[:10]

    def practice(self, practice_id: int) -> str:
        return "S-" + self._digest("practice", practice_id)[:10]

    def shift(self, user_id) -> int:
        """Days to add to this participant's (or ("practice", id)'s) dates: -30..30, never 0."""
        n = int(self._digest("shift", user_id)[:8], 16) % (2 * MAX_SHIFT_DAYS)
        return n - MAX_SHIFT_DAYS if n < MAX_SHIFT_DAYS else n - MAX_SHIFT_DAYS + 1


def _comment(model, column: str) -> str:
    return model.__table__.c[column].comment or ""


def _iso(value) -> str:
    return "" if value is None else value.isoformat()


def _bool(value) -> str:
    return "" if value is None else str(int(bool(value)))


class _Table:
    """One CSV and its rows of the data dictionary."""

    def __init__(self, name: str):
        self.name = name
        self.columns: list[tuple[str, str, str, str]] = []  # variable, label, type, allowed
        self.rows: list[list] = []

    def column(self, variable, label, kind, allowed=""):
        self.columns.append((variable, label, kind, allowed))

    def csv(self) -> bytes:
        return exports.csv_rows([c[0] for c in self.columns], self.rows)


def _categories_allowed(study) -> str:
    categories = db.session.scalars(
        select(Category).filter_by(study_id=study.id).order_by(Category.position, Category.code)
    )
    return "; ".join(f"{c.code}={c.label}" for c in categories)


def build_export(study, options: ExportOptions, progress: Callable[[int], None] | None = None):
    """The export as ZIP bytes and its row counts per file."""
    names = Pseudonyms(study_key(study))
    advance = progress or (lambda n: None)
    days = _diary_days(study, names, options, advance)
    entries = _task_entries(study, names, options, advance)
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in [*tables, dictionary]:
            archive.writestr(table.name, table.csv())
        if options.spreadsheets:
            frames = {t.name.removesuffix(".csv"): _frame(t) for t in [*tables, dictionary]}
            archive.writestr("analysis.xlsx", exports.xlsx_bytes(frames))
            for table in tables:
                name = table.name.removesuffix(".csv")
                archive.writestr(f"stata/{name}.dta", _stata(table, frames[name]))
        archive.writestr("README.txt", _readme(study, options, tables))
    return Export(data=buffer.getvalue(), rows={t.name: len(t.rows) for t in tables})


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


def _day_key(names: Pseudonyms, day: DiaryDay) -> str:
    return "D-" + names._digest("day", day.id)[:10]


def _shifted(names, options, user_id, value):
    if value is None or not options.shift_dates:
        return value
    return value + timedelta(days=names.shift(user_id))


def _diary_days(study, names, options, advance) -> _Table:
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
    query = (
        select(DiaryDay)
        .where(DiaryDay.study_id == study.id)
        .order_by(DiaryDay.user_id, DiaryDay.date)
    )
    for day in db.session.scalars(query):
        on = _shifted(names, options, day.user_id, day.date)
        t.rows.append(
            [
                _day_key(names, day),
                names.participant(day.user_id),
                names.practice(day.practice_id),
                on.isoformat(),
                on.weekday(),
                day.staff_role,
                day.scheduled_start.strftime("%H:%M") if day.scheduled_start else "",
                day.scheduled_end.strftime("%H:%M") if day.scheduled_end else "",
                "" if day.sessions is None else day.sessions,
                _bool(day.typical),
                "" if day.workload_rating is None else day.workload_rating,
                _bool(day.completed_at is not None),
            ]
        )
        advance(1)
    return t


def _task_entries(study, names, options, advance) -> _Table:
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
    query = (
        select(TaskEntry, DiaryDay, Category)
        .join(DiaryDay, DiaryDay.id == TaskEntry.day_id)
        .join(Category, Category.id == TaskEntry.category_id)
        .where(DiaryDay.study_id == study.id)
        .order_by(DiaryDay.user_id, DiaryDay.date, TaskEntry.started_at, TaskEntry.id)
    )
    for entry, day, category in db.session.execute(query):
        row = [
            _day_key(names, day),
            names.participant(day.user_id),
            category.code,
            category.group,
            entry.minutes,
            entry.started_at.strftime("%H:%M") if entry.started_at else "",
            entry.ended_at.strftime("%H:%M") if entry.ended_at else "",
            "" if entry.item_count is None else entry.item_count,
            _bool(entry.outside_hours),
            _bool(entry.interrupted),
            entry.could_be_done_by or "",
        ]
        if options.include_notes:
            row.append(entry.note or "")
        t.rows.append(row)
        advance(1)
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
    counts = "\n".join(f"  {t.name}: {len(t.rows)} rows" for t in tables)
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
