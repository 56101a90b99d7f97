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
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_OF_BIRTH = (
    # A keyword that introduces a date of birth.
    re.compile(r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born\s+(?:on|in)?\s*\d)", re.I),
    # A full date with a year: 03/04/1956, 3-4-56, 03.04.1956, 1956-04-03.
    re.compile(r"(?<!\d)\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)"),
    # 3 April 1956, 3rd Apr 56, April 3 1956.
    re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+(?:\d{{4}}|'?\d{{2}})\b", re.I
    ),
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I),
)
NHS_NUMBER_MESSAGE = (
    "Remove the NHS number from the note. Notes must never hold anything that could identify "
    "a patient"
)
DATE_OF_BIRTH_MESSAGE = (
    "Remove the date from the note: it looks like a date of birth. Notes must never hold "
    "anything that could identify a patient"
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
    return any(pattern.search(text or "") for pattern in _DATE_OF_BIRTH)


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
