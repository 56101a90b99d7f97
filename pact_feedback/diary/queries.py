"""Diary reads: a participant's own days, a day's figures, and completion counts (no content)."""

from collections import defaultdict

from sqlalchemy import bindparam, case, func, literal, literal_column, null, select, union_all

from pact_feedback.accounts.roles import STAFF_ROLE_LABELS
from pact_feedback.core.time import today
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.diary.taxonomy import GROUP_LABELS
from pact_feedback.diary.validation import TimedEntry, gaps, locked_reason
from pact_feedback.extensions import db


def categories_for(study, *, include_retired: bool = False) -> list[Category]:
    query = select(Category).filter_by(study_id=study.id)
    if not include_retired:
        query = query.filter_by(active=True)
    return list(db.session.scalars(query.order_by(Category.position, Category.code)))


def categories_by_group(categories: list[Category]) -> list[tuple[str, str, list[Category]]]:
    """(group letter, group label, categories) in taxonomy order, groups with none left out."""
    grouped = defaultdict(list)
    for category in categories:
        grouped[category.group].append(category)
    return [(g, GROUP_LABELS[g], grouped[g]) for g in GROUP_LABELS if grouped[g]]


def recent_categories(study, user, categories: list[Category], limit: int = 4) -> list[Category]:
    """The person's most-used tasks in this study, among their last 60 entries, most used first
    (ties: most recently used): the large targets at the top of the day page. Only categories
    still offered (`categories`)."""
    rows = db.session.execute(
        select(TaskEntry.category_id)
        .join(DiaryDay, DiaryDay.id == TaskEntry.day_id)
        .where(DiaryDay.study_id == study.id, DiaryDay.user_id == user.id)
        .order_by(TaskEntry.created_at.desc(), TaskEntry.id.desc())
        .limit(60)
    ).scalars()
    counts: dict[int, int] = {}
    for category_id in rows:  # newest first: dict order keeps first use as the tie-break
        counts[category_id] = counts.get(category_id, 0) + 1
    offered = {c.id: c for c in categories}
    ranked = sorted(counts, key=lambda cid: -counts[cid])  # stable: recency breaks ties
    return [offered[cid] for cid in ranked if cid in offered][:limit]


def days_for(study, user) -> list[DiaryDay]:
    return list(
        db.session.scalars(
            select(DiaryDay).filter_by(study_id=study.id, user_id=user.id).order_by(DiaryDay.date)
        )
    )


def own_day(study, user, day_id: int) -> DiaryDay | None:
    """The day only if it is `user`'s own, in `study`: anyone else's is as if it did not exist."""
    return db.session.scalar(
        select(DiaryDay).filter_by(id=day_id, study_id=study.id, user_id=user.id)
    )


def own_entry(day: DiaryDay, entry_id: int) -> TaskEntry | None:
    return db.session.scalar(select(TaskEntry).filter_by(id=entry_id, day_id=day.id))


def timed_entries(day) -> list[TimedEntry]:
    """What the total and overlap checks need of each of the day's entries (`day`: anything
    with its `id`), for an edit and the day's gaps. Columns by a prebuilt Core query on the
    session's connection, not entry objects."""
    rows = db.session.connection().execute(_TIMED_ENTRIES, {"day_id": day.id})
    return [TimedEntry(*row) for row in rows]


def entries_to_check_new_entry_against(day) -> list[TimedEntry]:
    """What a *new* entry of `day` is checked against: the day's timed entries (for overlaps)
    and one TimedEntry holding the minutes of all its untimed ones (for the 24-hour total).
    One statement whose answer does not grow with the day's untimed entries: it runs for every
    entry the diary saves, and a full day holds dozens (an edit still needs each entry, to
    leave itself out: timed_entries)."""
    rows = db.session.connection().execute(_TO_CHECK_NEW_ENTRY, {"day_id": day.id})
    return [TimedEntry(*row) for row in rows]


_ENTRIES, _CATEGORIES = TaskEntry.__table__, Category.__table__
_TIMED = _ENTRIES.c.started_at.is_not(None) & _ENTRIES.c.ended_at.is_not(None)
_OF_THE_DAY = _ENTRIES.c.day_id == bindparam("day_id")
_ENTRY_CHECKS = select(  # a TimedEntry's columns
    _ENTRIES.c.id,
    _ENTRIES.c.minutes,
    _ENTRIES.c.started_at,
    _ENTRIES.c.ended_at,
    _CATEGORIES.c.label,
).join(_CATEGORIES, _CATEGORIES.c.id == _ENTRIES.c.category_id)
_TIMED_ENTRIES = _ENTRY_CHECKS.where(_OF_THE_DAY).order_by(_ENTRIES.c.id)
_TO_CHECK_NEW_ENTRY = union_all(
    _ENTRY_CHECKS.where(_OF_THE_DAY, _TIMED),
    select(
        null(), func.coalesce(func.sum(_ENTRIES.c.minutes), 0), null(), null(), literal("")
    ).where(_OF_THE_DAY, ~_TIMED),
).order_by(literal_column("1"))  # by id, the sum (no id) first or last: either is fine


def day_locked(day_or_study) -> str | None:
    study = getattr(day_or_study, "study", day_or_study)
    return locked_reason(status=study.status, end=study.collection_end, today=today())


def day_figures(day: DiaryDay) -> dict:
    """Total, time by group and by category, scheduled minutes and the gaps in them."""
    by_group = {g: 0 for g in GROUP_LABELS}
    by_category: dict[str, int] = defaultdict(int)
    for entry in day.entries:
        by_group[entry.category.group] += entry.minutes
        by_category[entry.category.code] += entry.minutes
    total = sum(by_group.values())
    scheduled = None
    if day.scheduled_start and day.scheduled_end and day.scheduled_end > day.scheduled_start:
        scheduled = (day.scheduled_end.hour * 60 + day.scheduled_end.minute) - (
            day.scheduled_start.hour * 60 + day.scheduled_start.minute
        )
    return {
        "total": total,
        "by_group": by_group,
        "by_category": dict(by_category),
        "scheduled": scheduled,
        "outside_hours": sum(e.minutes for e in day.entries if e.outside_hours),
        "gaps": gaps(day.scheduled_start, day.scheduled_end, timed_entries(day)),
    }


def completion_counts(study, practice_ids=None) -> dict[int, dict[str, int]]:
    """Diary days opened and completed per practice (counts only, never content)."""
    query = (
        select(
            DiaryDay.practice_id,
            func.count(DiaryDay.id),
            func.sum(case((DiaryDay.completed_at.is_not(None), 1), else_=0)),
            func.count(func.distinct(DiaryDay.user_id)),
        )
        .where(DiaryDay.study_id == study.id)
        .group_by(DiaryDay.practice_id)
    )
    if practice_ids is not None:
        query = query.where(DiaryDay.practice_id.in_(list(practice_ids)))
    return {
        practice_id: {"opened": opened, "completed": int(completed or 0), "people": people}
        for practice_id, opened, completed, people in db.session.execute(query)
    }


def hours_minutes(minutes: int | None) -> str:
    """120 -> "2 hours", 95 -> "1 hour 35 minutes", 5 -> "5 minutes"."""
    if not minutes:
        return "0 minutes"
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def day_rules(study, user, editing=None) -> dict:
    """What `diary.validation.check_day` checks a diary day of `user` against (the web form and
    the API alike): the collection window, today, the staff roles, the dates already taken."""
    taken = {d.date for d in days_for(study, user)}
    if editing is not None:
        taken.discard(editing.date)
    return {
        "start": study.collection_start,
        "end": study.collection_end,
        "today": today(),
        "staff_roles": set(STAFF_ROLE_LABELS),
        "taken_dates": taken,
    }
