"""The diary's rules, as pure functions: one rule, one place, for the web form and the API.

Each check returns plain data (error messages keyed by field, warnings as a list) so the form
can show them beside fields and the API can return them as problem details.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

MIN_MINUTES = 1
MAX_MINUTES = 720
DAY_MINUTES = 24 * 60
MAX_SESSIONS = 20
QUICK_DURATIONS = (2, 5, 10, 15, 30)
WHO_COULD_LABELS = {
    "gp": "A GP",
    "other_clinician": "Another clinician",
    "admin": "The admin team",
    "nobody": "Nobody: it was unnecessary",
}

# Ten digits, each optionally followed by a single space or hyphen, not inside a longer number.
_NHS_NUMBER = re.compile(r"(?<![\d])(?:\d[ \-]?){9}\d(?![\d])")
# Months with either case of first letter, so the case-sensitive name pattern finds them too.
_MONTHS = (
    r"[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|[Mm]ay|[Jj]une?|[Jj]uly?"
    r"|[Aa]ug(?:ust)?|[Ss]ep(?:t(?:ember)?)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?"
)
# A full date with a year: 03/04/1956, 3-4-56, 03.04.1956, 1956-04-03, 3 April 1956, April 3 1956.
_FULL_DATE = (
    r"(?:(?<!\d)\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+(?:\d{{4}}|'?\d{{2}})\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
)
# Any part of a date: a full date, a day and month (3 April, 3/4) or a year (1956).
_ANY_DATE = (
    rf"(?:{_FULL_DATE}|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b"
    r"|(?<!\d)\d{1,2}[/.]\d{1,2}(?![\d/.])|\b(?:19|20)\d{2}\b)"
)
# A label that says what follows is a date of birth: DOB, d.o.b., date of birth, born, b.
_BIRTH_LABEL = r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bborn\b)"
# Words people write with a capital that are not names (checked case-sensitively).
_NOT_NAMES = (
    "Jan|January|Feb|February|Mar|March|Apr|April|May|Jun|June|Jul|July|Aug|August|Sep|Sept"
    "|September|Oct|October|Nov|November|Dec|December|Monday|Tuesday|Wednesday|Thursday|Friday"
    "|Saturday|Sunday|Seen|Saw|Letter|Letters|Dated|Discharge|Summary|Results|Result|Blood|Bloods"
    "|Test|Tests|Referral|Review|Reviewed|Clinic|Hospital|Appointment|Report|Reports|Called"
    "|Phoned|Filed|Sent|Done|Due|From|To|On|At|The|A|An|And|For|Re|Meeting|Team|Practice"
    "|Care|Home|Surgery|Ward|Echo|Scan|Repeat|Prescription|Prescriptions|Request|Form|Forms"
    "|Dr|Prof|Nurse|Sister|Doctor|Consultant"
)
_NAME_WORD = rf"(?!(?:{_NOT_NAMES})\b)[A-Z][a-z'’\-]+"
# A name: a patient's title and a capitalised word (Mrs Smith), or two capitalised words
# (John Smith). "Dr" is not a patient's title: notes name the colleagues who wrote letters.
_NAME = rf"(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?\s+[A-Z][a-z'’\-]+|\b{_NAME_WORD}\s+{_NAME_WORD})"
# What identifies a patient: a labelled date of birth, or a full date close to a name.
DATE_OF_BIRTH_PATTERNS = (
    re.compile(rf"{_BIRTH_LABEL}\W{{0,3}}(?:\w+\W+){{0,2}}?{_ANY_DATE}", re.I),
    re.compile(rf"{_NAME}[^.;\n]{{0,40}}?{_FULL_DATE}|{_FULL_DATE}[^.;\n]{{0,40}}?{_NAME}"),
)
NHS_NUMBER_MESSAGE = (
    "Remove the NHS number from the note. Notes must never hold anything that could identify "
    "a patient"
)
DATE_OF_BIRTH_MESSAGE = (
    "Remove the date of birth, or the name beside the date, from the note. Notes must never "
    "hold anything that could identify a patient"
)


def is_valid_nhs_number(digits: str) -> bool:
    """Ten digits whose Modulus 11 check digit is right (a check digit of 10 is never valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_nhs_number(text: str) -> str | None:
    """The first valid NHS number in `text` (with or without spaces or hyphens), if any."""
    for match in _NHS_NUMBER.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if is_valid_nhs_number(digits):
            return digits
    return None


def looks_like_date_of_birth(text: str) -> bool:
    """A date labelled as a birth date (DOB, born), or a full date beside a name. A date alone
    ("seen 12/03/2026", "letter dated 1/2/26") identifies no one and is accepted."""
    return any(pattern.search(text or "") for pattern in DATE_OF_BIRTH_PATTERNS)


def note_rules_for_browser() -> dict:
    """The note check for the browser (`noteErrors`, static/js/diary.js): the date-of-birth
    patterns as JavaScript RegExp sources and the two messages, so the device refuses what the
    server would before it keeps a task offline."""
    return {
        "patterns": [
            {"source": p.pattern, "flags": "i" if p.flags & re.I else ""}
            for p in DATE_OF_BIRTH_PATTERNS
        ],
        "nhs_message": NHS_NUMBER_MESSAGE,
        "dob_message": DATE_OF_BIRTH_MESSAGE,
    }


def note_errors(note: str | None) -> list[str]:
    """Why a note must be refused: it holds an NHS number or a date of birth."""
    if not note:
        return []
    errors = []
    if find_nhs_number(note):
        errors.append(NHS_NUMBER_MESSAGE)
    if looks_like_date_of_birth(note):
        errors.append(DATE_OF_BIRTH_MESSAGE)
    return errors


def minutes_between(start: time, end: time) -> int:
    """Whole minutes from `start` to `end` on the same day (negative if end is earlier)."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def add_minutes(start: time, minutes: int) -> time | None:
    """`start` plus `minutes`, or None if that passes midnight."""
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    return moment.time() if moment.date() == date(2000, 1, 1) else None


@dataclass
class Checked:
    """Cleaned values, errors by field name, and warnings that do not stop the save."""

    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class TimedEntry:
    """What the overlap and total checks need to know about another entry of the day."""

    id: int | None
    minutes: int
    started_at: time | None = None
    ended_at: time | None = None
    label: str = ""


def resolve_duration(
    minutes: int | None, started_at: time | None, ended_at: time | None, checked: Checked
) -> tuple[int | None, time | None, time | None]:
    """Minutes from start and end when both are given, else the minutes entered.

    A start time with minutes gives the end time; an end time alone is not enough.
    """
    if started_at and ended_at:
        span = minutes_between(started_at, ended_at)
        if minutes is not None and 0 < span <= MAX_MINUTES and minutes != span:
            checked.warnings.append(
                f"The start and end times give {span} minutes, so {span} minutes were recorded "
                f"rather than the {minutes} you entered. To record {minutes}, clear the end time"
            )
        if span <= 0:
            checked.error("ended_at", "The end time must be after the start time")
            return None, started_at, ended_at
        if span > MAX_MINUTES:
            checked.error("ended_at", "A single task can be at most 12 hours (720 minutes)")
            return None, started_at, ended_at
        return span, started_at, ended_at
    if ended_at and not started_at:
        checked.error("started_at", "Enter the start time too, or leave the end time empty")
        return None, started_at, ended_at
    if minutes is None:
        checked.error(
            "minutes", "Choose how long it took, enter the minutes, or enter start and end times"
        )
        return None, started_at, ended_at
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        checked.error("minutes", "Enter a number of minutes from 1 to 720 (12 hours)")
        return None, started_at, ended_at
    if started_at:
        ended_at = add_minutes(started_at, minutes)
        if ended_at is None:
            checked.error("minutes", "The task would run past midnight: shorten it or split it")
            return None, started_at, None
    return minutes, started_at, ended_at


def minutes_edit(values: dict, *, before) -> dict:
    """An edit's values: new minutes with the entry's own start and end left as they were move
    the end (start + minutes), as the API's PATCH does. `before`: the entry as saved."""
    unchanged = (values.get("started_at"), values.get("ended_at")) == (
        before.started_at,
        before.ended_at,
    )
    minutes = values.get("minutes")
    if unchanged and before.ended_at and minutes is not None and minutes != before.minutes:
        return values | {"ended_at": None}
    return values


def overlapping(
    started_at: time, ended_at: time, others: list[TimedEntry], exclude_id=None
) -> list[TimedEntry]:
    """Other timed entries whose time range overlaps [started_at, ended_at)."""
    return [
        other
        for other in others
        if other.id != exclude_id
        and other.started_at
        and other.ended_at
        and other.started_at < ended_at
        and started_at < other.ended_at
    ]


def check_entry(
    values: dict,
    *,
    allowed_category_ids: set[int],
    others: list[TimedEntry] = (),
    editing_id: int | None = None,
) -> Checked:
    """Check a task entry. `values`: category_id, minutes, started_at, ended_at, item_count,
    outside_hours, interrupted, could_be_done_by, note (already typed; None when empty).

    `others` are the day's other entries (the one being edited is skipped by `editing_id`).
    Overlapping timed entries are a warning, not an error: people do two things at once.
    """
    checked = Checked()
    category_id = values.get("category_id")
    if category_id is None:
        checked.error("category_id", "Choose what kind of task it was")
    elif category_id not in allowed_category_ids:
        checked.error("category_id", "Choose one of the task categories shown")
    minutes, started_at, ended_at = resolve_duration(
        values.get("minutes"), values.get("started_at"), values.get("ended_at"), checked
    )
    item_count = values.get("item_count")
    if item_count is not None and not 0 <= item_count <= 10000:
        checked.error("item_count", "Enter a number of items from 0 to 10,000")
    who = values.get("could_be_done_by") or None
    if who is not None and who not in WHO_COULD_LABELS:
        checked.error("could_be_done_by", "Choose who could have done it, or leave it empty")
    note = (values.get("note") or "").strip() or None
    for message in note_errors(note):
        checked.error("note", message)
    others = [o for o in others if o.id != editing_id or editing_id is None]
    if minutes is not None:
        total = sum(o.minutes for o in others) + minutes
        if total > DAY_MINUTES:
            already = sum(o.minutes for o in others)
            checked.error(
                "minutes",
                f"This would take the day past 24 hours: {already} minutes are recorded already, "
                f"so this task can be at most {max(DAY_MINUTES - already, 0)} minutes",
            )
        if started_at and ended_at:
            for other in overlapping(started_at, ended_at, others):
                checked.warnings.append(
                    f"This overlaps {other.label or 'another task'} "
                    f"({other.started_at:%H:%M} to {other.ended_at:%H:%M}). "
                    "That is fine if you did both at once; otherwise check the times"
                )
    checked.values = {
        "category_id": category_id,
        "minutes": minutes,
        "started_at": started_at,
        "ended_at": ended_at,
        "item_count": item_count,
        "outside_hours": bool(values.get("outside_hours")),
        "interrupted": bool(values.get("interrupted")),
        "could_be_done_by": who,
        "note": note,
    }
    return checked


def date_errors(day: date | None, *, start: date | None, end: date | None, today: date) -> list:
    """A diary date must be inside the collection window and not in the future."""
    if day is None:
        return ["Enter the date of your diary day"]
    if day > today:
        return ["The date cannot be in the future: open the day when it starts"]
    if start and end and not start <= day <= end:
        return [
            f"Choose a date from {start:%-d %B %Y} to {end:%-d %B %Y}, "
            "the study's data collection dates"
        ]
    return []


def check_day(
    values: dict,
    *,
    start: date | None,
    end: date | None,
    today: date,
    staff_roles: set[str],
    taken_dates: set[date] = frozenset(),
) -> Checked:
    """Check a diary day: date, staff_role, scheduled_start, scheduled_end, sessions, typical,
    workload_rating (typed; None when empty). `taken_dates`: the person's other diary dates."""
    checked = Checked()
    day = values.get("date")
    for message in date_errors(day, start=start, end=end, today=today):
        checked.error("date", message)
    if day is not None and day in taken_dates:
        checked.error("date", "You already have a diary day on this date: open it from the list")
    if values.get("staff_role") not in staff_roles:
        checked.error("staff_role", "Choose the role you worked in that day")
    scheduled_start, scheduled_end = values.get("scheduled_start"), values.get("scheduled_end")
    if scheduled_start and scheduled_end and scheduled_end <= scheduled_start:
        checked.error("scheduled_end", "The scheduled finish must be after the scheduled start")
    sessions = values.get("sessions")
    if sessions is not None and not 0 <= sessions <= MAX_SESSIONS:
        checked.error("sessions", f"Enter a number of sessions from 0 to {MAX_SESSIONS}")
    rating = values.get("workload_rating")
    if rating is not None and not 0 <= rating <= 10:
        checked.error("workload_rating", "Choose a rating from 0 to 10")
    checked.values = {
        "date": day,
        "staff_role": values.get("staff_role"),
        "scheduled_start": scheduled_start,
        "scheduled_end": scheduled_end,
        "sessions": sessions,
        "typical": values.get("typical"),
        "workload_rating": rating,
    }
    return checked


def locked_reason(*, status: str, end: date | None, today: date) -> str | None:
    """Why diary entries can no longer be changed, or None while collection is open."""
    if status in ("setup", "recruiting"):
        return "Data collection has not started yet, so diary days cannot be changed."
    if status != "collecting" or (end is not None and today > end):
        return (
            "Data collection for this study has finished, so your diary is now read-only. "
            "Thank you for the time you gave it."
        )
    return None


def gaps(
    scheduled_start: time | None, scheduled_end: time | None, entries: list[TimedEntry]
) -> list[tuple[time, time]]:
    """Stretches of the scheduled day not covered by any timed entry, in order."""
    if not (scheduled_start and scheduled_end) or scheduled_end <= scheduled_start:
        return []
    found, cursor = [], scheduled_start
    timed = sorted((e.started_at, e.ended_at) for e in entries if e.started_at and e.ended_at)
    for started, ended in timed:
        if ended <= cursor:
            continue
        if started > cursor:
            found.append((cursor, min(started, scheduled_end)))
        cursor = max(cursor, ended)
        if cursor >= scheduled_end:
            break
    if cursor < scheduled_end:
        found.append((cursor, scheduled_end))
    return [(a, b) for a, b in found if a < b]


def planned_date_errors(day: date | None, *, start: date | None, end: date | None, today: date):
    """A planned diary day: today or later, inside the collection window."""
    if day is None:
        return ["Enter the date you plan to keep your diary"]
    if day < today:
        return ["Choose today or a day still to come"]
    if start and end and not start <= day <= end:
        return [
            f"Choose a date from {start:%-d %B %Y} to {end:%-d %B %Y}, "
            "the study's data collection dates"
        ]
    return []
