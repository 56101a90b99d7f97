"""Request and response shapes of the API, declared once: the parser reads request bodies with
these declarations, and `openapi.py` builds the OpenAPI document from the same ones.

The diary's rules (durations, totals, notes...) are not here: they live in
`pact_feedback.diary.validation`, shared with the web forms.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from pact_feedback.accounts.roles import STAFF_ROLES
from pact_feedback.diary.validation import MAX_MINUTES, WHO_COULD_LABELS

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    type: str  # JSON type: string, integer, number, boolean
    description: str
    nullable: bool = True
    format: str | None = None  # date, time (HH:MM), uuid
    enum: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    read_only: bool = False
    example: object = None
    extra: dict = field(default_factory=dict)

    def schema(self) -> dict:
        types = [self.type, "null"] if self.nullable else self.type
        out = {"type": types, "description": self.description}
        if self.format == "time":
            out["pattern"] = _TIME.pattern
            out["examples"] = [self.example or "09:30"]
        elif self.format:
            out["format"] = self.format
        if self.enum:
            out["enum"] = list(self.enum) + ([None] if self.nullable else [])
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        if self.example is not None and self.format != "time":
            out["examples"] = [self.example]
        return out | self.extra


ENTRY_INPUT = {
    "client_id": Field(
        "string",
        "Your own UUID for this entry. Sending the same request again with it creates nothing "
        "new and answers with the entry already made (retry-safe).",
        nullable=False,
        format="uuid",
        example="3f1c0d9e-4b8a-4c1e-9f65-2a7d9b1c0e42",
    ),
    "category": Field(
        "string", "Task category code from the study's taxonomy", nullable=False, example="B1"
    ),
    "minutes": Field(
        "integer",
        "Duration in minutes; worked out from started_at and ended_at when both are given",
        minimum=1,
        maximum=MAX_MINUTES,
        example=5,
    ),
    "started_at": Field("string", "Start time, HH:MM (24-hour)", format="time"),
    "ended_at": Field("string", "End time, HH:MM (24-hour)", format="time", example="09:45"),
    "item_count": Field("integer", "How many items, e.g. results filed", minimum=0, example=23),
    "outside_hours": Field("boolean", "Done outside scheduled hours", nullable=False),
    "interrupted": Field("boolean", "Interrupted", nullable=False),
    "could_be_done_by": Field(
        "string", "Who else could have done it", enum=tuple(WHO_COULD_LABELS)
    ),
    "note": Field(
        "string",
        "Free text. Never patient-identifiable: text with an NHS number or a date of birth is "
        "refused",
        max_length=2000,
    ),
}
ENTRY_REQUIRED_ON_CREATE = ("client_id", "category")
ENTRY_DEFAULTS = {"outside_hours": False, "interrupted": False}  # others: null


def canonical_entry(values: dict) -> dict:
    """A create request as parsed, every field written out (its default when not sent) and
    the client_id left out (it is the key): the same entry sent in another spelling (the
    UUID in capitals or braces, `"interrupted": false` said or not) reads the same."""
    return {
        name: values.get(name, ENTRY_DEFAULTS.get(name))
        for name in ENTRY_INPUT
        if name != "client_id"
    }


DAY_INPUT = {
    "date": Field(
        "string",
        "The diary day, inside the study's collection window and not in the future",
        nullable=False,
        format="date",
        example="2026-11-24",
    ),
    "staff_role": Field(
        "string",
        "Role worked that day",
        nullable=False,
        enum=tuple(code for code, _ in STAFF_ROLES),
    ),
    "scheduled_start": Field("string", "Scheduled start, HH:MM", format="time", example="08:00"),
    "scheduled_end": Field("string", "Scheduled finish, HH:MM", format="time", example="18:30"),
    "sessions": Field("number", "Contracted sessions that day", minimum=0, maximum=20),
    "typical": Field("boolean", "Was this a typical day?"),
    "workload_rating": Field("integer", "Workload, 0 (light) to 10 (heavy)", minimum=0, maximum=10),
    "completed": Field("boolean", "Mark the day complete (true) or reopen it (false)"),
}
DAY_REQUIRED_ON_CREATE = ("date", "staff_role")


def _read(name: str, spec: Field, value, errors: dict):
    """One JSON value checked against its declaration and turned into a Python value."""

    def fail(message):
        errors.setdefault(name, []).append(message)

    if value is None:
        if not spec.nullable:
            fail("This field cannot be null")
        return None
    if spec.type == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return fail("Must be a whole number")
    if spec.type == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return fail("Must be a number")
    if spec.type == "boolean" and not isinstance(value, bool):
        return fail("Must be true or false")
    if spec.type == "string" and not isinstance(value, str):
        return fail("Must be a string")
    if spec.enum and value not in spec.enum:
        return fail("Must be one of: " + ", ".join(spec.enum))
    if spec.max_length and len(value) > spec.max_length:
        return fail(f"Must be at most {spec.max_length} characters")
    if spec.format == "time":
        if not _TIME.match(value):
            return fail("Must be a time like 09:30 (24-hour HH:MM)")
        return time.fromisoformat(value)
    if spec.format == "date":
        try:
            if not _DATE.match(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            return fail("Must be a date like 2026-11-24")
    if spec.format == "uuid":
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return fail("Must be a UUID")
    return value


def parse(body, declared: dict, *, required=()) -> tuple[dict, dict]:
    """(values, errors by field). Only fields present in `body` appear in `values`.

    Range rules (minutes, ratings) are left to the diary's validation, so both interfaces
    word them alike.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(body, dict):
        return {}, {"body": ["The request body must be a JSON object"]}
    for name in body:
        if name not in declared:
            errors.setdefault(name, []).append("Unknown field")
    for name in required:
        if name not in body:
            errors.setdefault(name, []).append("This field is required")
    values = {}
    for name, spec in declared.items():
        if name in body:
            values[name] = _read(name, spec, body[name], errors)
    return values, errors


def hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()
