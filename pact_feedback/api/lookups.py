"""Finding what a request names: anything not the caller's own is "not found"."""

import datetime as dt
from functools import cache
from typing import NamedTuple

from flask import g
from sqlalchemy import bindparam, select

from pact_feedback.api.errors import Problem
from pact_feedback.api.tokens import TOKEN_COLUMNS, TOKEN_FROM, TOKEN_USER_ID, TOKEN_WHERE
from pact_feedback.diary import queries
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.participation.standing import (
    N_COLUMNS,
    diary_refusal,
    standing_columns,
    standing_from,
    standing_of,
)
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.studies.models import Study


def study_for_caller(slug: str, study=None):
    """The study (by slug, or as already loaded) and the caller's standing in it, which must
    be a consented, not withdrawn participant's."""
    study = study or study_by_slug(slug)
    standing = standing_of(g.api_user_id, study)
    require_standing(standing, "No study with that name that you take part in")
    return study, standing


def require_standing(standing, not_found: str) -> None:
    """The participant's standing decides (participation.standing), as on the web."""
    refusal = diary_refusal(standing)
    if refusal is None:
        return
    if refusal.kind == "not-found":
        raise Problem(404, not_found, kind="not-found")
    raise Problem(403, refusal.message, kind=refusal.kind)


class DayRef(NamedTuple):
    """What writing an entry needs to know of a day: enough for the rules, without loading it."""

    id: int
    study_id: int
    status: str  # the study's, for the lock after collection
    collection_end: dt.date | None


@cache
def day_ref_query():
    standing = standing_columns(DiaryDay.user_id, DiaryDay.study_id, Study.pis_version)
    return (
        select(DiaryDay.id, DiaryDay.study_id, Study.status, Study.collection_end, *standing)
        .join(Study, Study.id == DiaryDay.study_id)
        .where(DiaryDay.id == bindparam("day_id"), DiaryDay.user_id == bindparam("user_id"))
    )


NEW_ENTRY_CATEGORY = (Category.id, Category.code, Category.label, Category.group, Category.active)


@cache
def new_entry_query():
    """In one round trip, what a new entry needs: the caller's token (`tokens.TOKEN_COLUMNS`,
    by its `token_key`: no row, no open token), then day_ref_query's day and standing (None
    when the day is not the token owner's), the id of an entry already sent with this
    client_id (a retry, answered at once) and the category with this code (what the rules and
    the answer need of it). Core columns, not ORM objects: it runs for every entry the API
    saves. See NewEntryRow.

    On PostgreSQL it also holds the day: its row is locked as the entry's write will lock it
    (FOR NO KEY UPDATE, the lock of an UPDATE that changes no key), so two requests for one
    day cannot both pass the 24-hour check, which a later statement reads after the lock
    (`diary.actions.create_entry(day_held=True)`). SQLite has no row locks (the clause is not
    rendered there): its write lock is taken by `claim_day`."""
    days = DiaryDay.__table__
    day = (
        select(days.c.id, days.c.study_id, days.c.user_id)
        .where(
            days.c.id == bindparam("day_id"),
            # Only the token owner's day is locked (the same token as the outer statement's).
            days.c.user_id == select(TOKEN_USER_ID).where(*TOKEN_WHERE).scalar_subquery(),
        )
        .with_for_update(key_share=True)
        .subquery("day")
    )
    standing = standing_columns(day.c.user_id, day.c.study_id, Study.pis_version)
    return (
        select(
            *TOKEN_COLUMNS,
            day.c.id,
            day.c.study_id,
            Study.status,
            Study.collection_end,
            *standing,
            TaskEntry.id,
            *NEW_ENTRY_CATEGORY,
        )
        .select_from(TOKEN_FROM)
        .outerjoin(day, day.c.user_id == TOKEN_USER_ID)
        .outerjoin(Study, Study.id == day.c.study_id)
        .outerjoin(
            TaskEntry,
            (TaskEntry.day_id == day.c.id) & (TaskEntry.client_id == bindparam("client_id")),
        )
        .outerjoin(
            Category,
            (Category.study_id == day.c.study_id) & (Category.code == bindparam("code")),
        )
        .where(*TOKEN_WHERE)
    )


class NewEntryRow(NamedTuple):
    """A row of new_entry_query, in parts (None: the statement found no open token)."""

    token: tuple  # tokens.TOKEN_COLUMNS, for auth.accept_caller
    day: tuple  # day_ref_query's columns, for own_day
    sent_before: int | None  # the entry already saved with this client_id
    category: tuple  # NEW_ENTRY_CATEGORY's columns (all None: no category with that code)

    @classmethod
    def of(cls, row) -> "NewEntryRow | None":
        if row is None:
            return None
        n_token, n_day = len(TOKEN_COLUMNS), 4 + N_COLUMNS
        day = row[n_token : n_token + n_day]
        return cls(row[:n_token], day, row[n_token + n_day], row[n_token + n_day + 1 :])


def day_ref(day_id: int) -> DayRef:
    """The caller's own day, checked with their standing in its study, in one query."""
    row = (
        db.session.connection()
        .execute(day_ref_query(), {"day_id": day_id, "user_id": g.api_user_id})
        .first()
    )
    return own_day(row)


def own_day(row) -> DayRef:
    """A row of day_ref_query (or one that starts like it) as the caller's own day."""
    not_found = "No diary day of yours with that id"
    if row is None or row[0] is None:  # no row, or no day in an outer join
        raise Problem(404, not_found, kind="not-found")
    require_standing(standing_from(*row[4 : 4 + N_COLUMNS]), not_found)
    return DayRef(*row[:4])


def caller_day(day_id: int) -> DiaryDay:
    return db.session.get(DiaryDay, day_ref(day_id).id)


def caller_entry(entry_id: int) -> TaskEntry:
    entry = db.session.scalar(
        db.select(TaskEntry)
        .join(DiaryDay)
        .where(TaskEntry.id == entry_id, DiaryDay.user_id == g.api_user_id)
    )
    if entry is None:
        raise Problem(404, "No task entry of yours with that id", kind="not-found")
    study_for_caller(None, entry.day.study)
    return entry


def require_unlocked(study) -> None:
    """`study`: a study, or anything with its `status` and `collection_end` (a DayRef)."""
    reason = queries.day_locked(study)
    if reason:
        raise Problem(409, reason, kind="diary-locked")
