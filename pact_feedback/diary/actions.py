"""Diary writes: each one checks the rules, writes, records an audit event (never the content)
and commits."""

import hashlib
import json
import uuid
from functools import cache
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import bindparam, cast, select
from sqlalchemy.exc import IntegrityError

from pact_feedback.audit.log import record, row_values
from pact_feedback.audit.models import AuditEvent
from pact_feedback.core import transaction
from pact_feedback.core.sqlite import sync_committed_writes
from pact_feedback.core.time import utcnow
from pact_feedback.diary import queries, validation
from pact_feedback.diary.models import (
    Category,
    DiaryAllocation,
    DiaryDay,
    DiaryPreference,
    TaskEntry,
)
from pact_feedback.extensions import db

DAY_FIELDS = (
    "date",
    "staff_role",
    "scheduled_start",
    "scheduled_end",
    "sessions",
    "typical",
    "workload_rating",
)
ENTRY_FIELDS = (
    "category_id",
    "minutes",
    "started_at",
    "ended_at",
    "item_count",
    "outside_hours",
    "interrupted",
    "could_be_done_by",
    "note",
)


class CategoryRef(NamedTuple):
    """What a new entry's checks and answer need of its category, without loading it."""

    id: int
    code: str
    label: str
    group: str
    active: bool


class NewEntry(SimpleNamespace):
    """A new entry as written (TaskEntry's attribute names; `category` a Category or a
    CategoryRef): the API answers from it without loading the row back."""


class DiaryLocked(Exception):
    """The diary can no longer be changed; the message is safe to show."""


def open_day(membership, values: dict, *, by) -> DiaryDay:
    day = DiaryDay(
        study_id=membership.study_id,
        user_id=membership.user_id,
        practice_id=membership.practice_id,
        **{name: values.get(name) for name in DAY_FIELDS},
    )
    db.session.add(day)
    db.session.flush()
    record("diary_day_opened", by=by, obj=day, study_id=day.study_id)
    transaction.commit()
    return day


def update_day(day: DiaryDay, values: dict, *, by) -> DiaryDay:
    changed = []
    for name in DAY_FIELDS:
        if name in values and getattr(day, name) != values[name]:
            setattr(day, name, values[name])
            changed.append(name)
    if changed:
        record("diary_day_changed", by=by, obj=day, fields=changed)
    transaction.commit()
    return day


def set_complete(day: DiaryDay, complete: bool, *, by) -> DiaryDay:
    if complete and day.completed_at is None:
        day.completed_at = utcnow()
        record("diary_day_completed", by=by, obj=day, entries=len(day.entries))
    elif not complete and day.completed_at is not None:
        day.completed_at = None
        record("diary_day_reopened", by=by, obj=day)
    transaction.commit()
    return day


def delete_day(day: DiaryDay, *, by) -> None:
    record("diary_day_deleted", by=by, obj=day, entries=len(day.entries))
    db.session.delete(day)
    transaction.commit()


def request_fingerprint(body: dict) -> str:
    """A stable digest of a create request, to tell a retry from a different request."""
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def entry_by_client_id(day, client_id: str) -> TaskEntry | None:
    found = client_id_in_use(day.id, client_id)
    return db.session.get(TaskEntry, found[0]) if found else None


def client_id_in_use(day_id: int, client_id: str):
    """(entry id, request hash) of the day's entry with this client_id, or None. A Core query
    on the session's connection: every API create asks, and it is usually no."""
    return (
        db.session.connection()
        .execute(_CLIENT_ID_LOOKUP, {"day_id": day_id, "client_id": client_id})
        .first()
    )


def claim_day(day) -> None:
    """Write to the day before reading what a new entry is checked against (its total, a
    client_id): on SQLite this first write takes the write lock (BEGIN IMMEDIATE), on
    PostgreSQL it locks the day's row, so two requests for one day cannot both pass the
    24-hour check. The write is the `updated_at` the entry sets anyway. (A Core statement: a
    DiaryDay already loaded in the session keeps its old `updated_at` until the commit.)"""
    db.session.connection().execute(_CLAIM_DAY, {"day_id": day.id, "now": utcnow()})


_ENTRIES = TaskEntry.__table__
_CLIENT_ID_LOOKUP = select(_ENTRIES.c.id, _ENTRIES.c.request_hash).where(
    _ENTRIES.c.day_id == bindparam("day_id"), _ENTRIES.c.client_id == bindparam("client_id")
)
_CLAIM_DAY = (
    DiaryDay.__table__.update()
    .where(DiaryDay.__table__.c.id == bindparam("day_id"))
    .values(updated_at=bindparam("now"))
)
_INSERT_ENTRY = _ENTRIES.insert().returning(_ENTRIES.c.id)
_AUDIT_EVENTS = AuditEvent.__table__


def holds_rows() -> bool:
    """Whether the session's database locks rows (PostgreSQL: a read can hold a day with FOR
    NO KEY UPDATE and writes can share one statement); else SQLite, one writer at a time."""
    return db.session.connection().dialect.name == "postgresql"


def insert_entry(row: dict, audit: dict, *, touch_day: bool = False) -> int:
    """Insert a new entry (`row`: its columns) and its audit row (`audit`: audit.log.row_values,
    `object_id` left for the entry's id); returns the entry's id. One round trip on PostgreSQL
    (data-modifying WITH queries), which with `touch_day` also sets the day's `updated_at`
    to the entry's; two statements on SQLite, whose WITH cannot write."""
    connection = db.session.connection()
    if not holds_rows():
        if touch_day:
            raise ValueError("Without row locks the day is held by writing to it: claim_day")
        entry_id = connection.execute(_INSERT_ENTRY, row).scalar_one()
        connection.execute(_AUDIT_EVENTS.insert(), audit | {"object_id": str(entry_id)})
        return entry_id
    # Every parameter named apart from any column: SQLAlchemy would SET a column of the day
    # whose name a parameter has (created_at, updated_at).
    values = {f"entry_{name}": value for name, value in row.items()} | {
        f"audit_{name}": value for name, value in audit.items() if name != "object_id"
    }
    return int(connection.execute(_entry_with_audit(touch_day), values).scalar_one())


@cache
def _entry_with_audit(touch_day: bool):
    """WITH new_entry AS (INSERT INTO diary_entries … RETURNING id)[, held_day AS (UPDATE
    diary_days SET updated_at …)] INSERT INTO audit_events … SELECT …, new_entry.id FROM
    new_entry RETURNING object_id: PostgreSQL runs the three as one statement, all or none."""
    entry_columns = (
        *ENTRY_FIELDS,
        "day_id",
        "client_id",
        "request_hash",
        "created_at",
        "updated_at",
    )
    new_entry = (
        _ENTRIES.insert()
        .values(
            {
                name: bindparam(f"entry_{name}", type_=_ENTRIES.c[name].type)
                for name in entry_columns
            }
        )
        .returning(_ENTRIES.c.id)
        .cte("new_entry")
    )
    audit_columns = ("at", "actor_id", "action", "object_type", "subject", "ip_address", "details")
    audit_row = select(
        *(bindparam(f"audit_{name}", type_=_AUDIT_EVENTS.c[name].type) for name in audit_columns),
        cast(new_entry.c.id, _AUDIT_EVENTS.c.object_id.type),
    )
    statement = (
        _AUDIT_EVENTS.insert()
        .from_select([*audit_columns, "object_id"], audit_row)
        .returning(_AUDIT_EVENTS.c.object_id)
        .add_cte(new_entry)
    )
    if touch_day:
        days = DiaryDay.__table__
        held_day = (
            days.update()
            .where(days.c.id == bindparam("entry_day_id"))
            .values(updated_at=bindparam("entry_updated_at"))
            .cte("held_day")
        )
        statement = statement.add_cte(held_day)
    return statement


class EntryResult(NamedTuple):
    """What `create_entry` did: "created", "replayed" (this client_id was saved before: the
    saved entry), "locked" (`reason` says why) or "refused" (`checked` holds the errors)."""

    outcome: str
    entry: object = None  # TaskEntry, or NewEntry on the API's path
    checked: validation.Checked | None = None
    reason: str | None = None


NOT_LOOKED_UP = object()  # create_entry(sent_before=...): the caller has not looked it up


def create_entry(
    *,
    day,
    by,
    values: dict,
    allowed_category_ids: set,
    client_id: str | None = None,
    fingerprint: str | None = None,
    sent_before=NOT_LOOKED_UP,
    check=None,
    category=None,
    day_held: bool = False,
) -> EntryResult:
    """The one write of a new task entry, for the web and the API: replay check, lock, claim
    the day, validate against it, insert, audit, commit.

    `day`: a DiaryDay, or the API's DayRef (anything with `id`, `status`, `collection_end` or
    a `study` with them). `sent_before`: the id of the entry already saved with `client_id`
    when the caller found it in its own query (None: none), else looked up here. `check`:
    how the web's form validates (`EntryForm.check(**rules)`, showing errors at its fields);
    by default `diary.validation.check_entry(values, **rules)`. `category`: the entry's
    category as the caller has it, for the answer (the API's hot path). `day_held`: the
    caller's own read locked the day's row where the database has row locks (the API's
    `new_entry_query` on PostgreSQL), so the claim's write goes with the insert instead
    (`holds_rows`)."""
    if client_id and sent_before is NOT_LOOKED_UP:
        found = client_id_in_use(day.id, client_id)
        sent_before = found[0] if found else None
    if client_id and sent_before is not None:
        sync_committed_writes()  # acknowledging a write another request may still be syncing
        return EntryResult("replayed", db.session.get(TaskEntry, sent_before))
    reason = queries.day_locked(day)
    if reason:
        return EntryResult("locked", reason=reason)
    held = day_held and holds_rows()
    if not held:
        claim_day(day)  # hold the day before reading what the entry is checked against
    rules = {
        "allowed_category_ids": allowed_category_ids,
        "others": queries.entries_to_check_new_entry_against(day),
    }
    checked = check(**rules) if check else validation.check_entry(values, **rules)
    if checked is None or not checked.ok:
        db.session.rollback()  # nothing is written for a refused entry
        return EntryResult("refused", checked=checked)
    entry, created = add_entry(
        day,
        checked.values,
        by=by,
        client_id=client_id,
        fingerprint=fingerprint,
        claimed=True,
        looked_up=client_id is not None,
        commit=False,
        category=category,
        touch_day=held,
    )
    if not created:  # a concurrent retry won the race
        sync_committed_writes()
        return EntryResult("replayed", entry, checked)
    # Commit at once: on SQLite the write lock is held until then, and every writer waits.
    transaction.commit()
    if category is None:  # the web's answer renders the entry as the ORM has it
        entry = db.session.get(TaskEntry, entry.id)
    return EntryResult("created", entry, checked)


def add_entry(
    day,
    values: dict,
    *,
    by,
    client_id: str | None = None,
    fingerprint=None,
    claimed: bool = False,
    looked_up: bool = False,
    commit: bool = True,
    category=None,
    touch_day: bool = False,
) -> tuple[TaskEntry | NewEntry, bool]:
    """Add an entry to `day` (a DiaryDay, or anything with its `id`); returns (entry, created).
    With a `client_id` already used on this day the existing entry comes back with
    created=False (a retry), even when two requests race. `claimed`: the caller has claimed the
    day (`claim_day`) before checking the entry against it; `looked_up`: the caller has looked
    the client_id up (the unique constraint still catches a race). With `commit=False` the
    caller commits, and the entry returned is a NewEntry to answer from (the API's hot path:
    one Core insert, no unit of work); `category`: its category as the caller has it.
    `touch_day`: set the day's `updated_at` with the insert (PostgreSQL only: the caller's read
    locked the day instead of `claim_day` writing to it)."""
    client_id = client_id or str(uuid.uuid4())
    if not claimed:
        claim_day(day)
    if not looked_up:
        existing = entry_by_client_id(day, client_id)
        if existing is not None:
            return existing, False
    now = utcnow()
    row = {name: values.get(name) for name in ENTRY_FIELDS} | {
        "day_id": day.id,
        "client_id": client_id,
        "request_hash": fingerprint,
        "created_at": now,
        "updated_at": now,
    }
    audit = row_values(
        "diary_entry_added",
        by=by,
        object_class=TaskEntry,
        object_id=None,  # the new entry's, written by the same statement or the next
        day_id=day.id,
        minutes=row["minutes"],
    )
    try:
        entry_id = insert_entry(row, audit, touch_day=touch_day)
    except IntegrityError:
        db.session.rollback()
        existing = entry_by_client_id(day, client_id)
        if existing is None:
            raise
        return existing, False
    if commit:
        transaction.commit()
        return db.session.get(TaskEntry, entry_id), True
    category = category or db.session.get(Category, row["category_id"])
    return NewEntry(id=entry_id, category=category, **row), True


def update_entry(entry: TaskEntry, values: dict, *, by) -> TaskEntry:
    changed = []
    for name in ENTRY_FIELDS:
        if name in values and getattr(entry, name) != values[name]:
            setattr(entry, name, values[name])
            changed.append(name)
    if changed:
        record("diary_entry_changed", by=by, obj=entry, day_id=entry.day_id, fields=changed)
    transaction.commit()
    return entry


def delete_entry(entry: TaskEntry, *, by) -> None:
    record("diary_entry_deleted", by=by, obj=entry, day_id=entry.day_id)
    db.session.delete(entry)
    transaction.commit()


def copy_values(entry: TaskEntry) -> dict:
    """An entry's values, to repeat it."""
    return {name: getattr(entry, name) for name in ENTRY_FIELDS}


def set_non_working_days(study, user, weekdays: list[int], *, by) -> None:

    preference = db.session.scalar(
        select(DiaryPreference).filter_by(study_id=study.id, user_id=user.id)
    )
    if preference is None:
        preference = DiaryPreference(study_id=study.id, user_id=user.id, non_working_days=[])
        db.session.add(preference)
    preference.non_working_days = sorted(set(weekdays))
    db.session.flush()
    record(
        "diary_weekdays_set", by=by, obj=preference, non_working_days=preference.non_working_days
    )
    transaction.commit()


def update_settings(study, *, diary_days_required: int, day_selection: str, by) -> None:
    old = (study.diary_days_required, study.day_selection)
    study.diary_days_required, study.day_selection = diary_days_required, day_selection
    if old != (diary_days_required, day_selection):
        record(
            "diary_settings_changed",
            by=by,
            obj=study,
            old={"days": old[0], "selection": old[1]},
            new={"days": diary_days_required, "selection": day_selection},
        )
    transaction.commit()


class CategoryError(Exception):
    """A category change was refused; the message is safe to show."""


def add_category(study, values: dict, *, by):

    code = (values.get("code") or "").strip().upper()
    if not code:
        raise CategoryError("Enter a code, like B10")
    if code[0] != values["group"]:
        raise CategoryError(f"The code must start with its group letter, {values['group']}")
    if db.session.scalar(select(Category).filter_by(study_id=study.id, code=code)):
        raise CategoryError(f"There is already a category {code}. Codes cannot be reused")
    category = Category(
        study_id=study.id,
        code=code,
        label=values["label"].strip(),
        description=(values.get("description") or "").strip(),
        group=values["group"],
        position=values["position"],
        active=values.get("active", True),
    )
    db.session.add(category)
    db.session.flush()
    record("diary_category_added", by=by, obj=category, code=code, study_id=study.id)
    transaction.commit()
    return category


def update_category(category, values: dict, *, by) -> None:
    changed = {}
    values = values | {"description": values.get("description") or ""}
    for name in ("label", "description", "group", "position", "active"):
        value = values[name].strip() if isinstance(values[name], str) else values[name]
        if getattr(category, name) != value:
            changed[name] = value
            setattr(category, name, value)
    if changed:
        record("diary_category_changed", by=by, obj=category, code=category.code, **changed)
    transaction.commit()


def plan_day(study, user, on, *, by):

    existing = db.session.scalar(
        select(DiaryAllocation).filter_by(study_id=study.id, user_id=user.id, date=on)
    )
    if existing is None:
        existing = DiaryAllocation(study_id=study.id, user_id=user.id, date=on, source="planned")
        db.session.add(existing)
        db.session.flush()
        record("diary_day_planned", by=by, obj=existing, date=str(on))
    transaction.commit()
    return existing
