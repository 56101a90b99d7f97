"""Allocated diary days and reminders.

`choose_days` is pure: given the window, the people, their non-working weekdays and a seed, it
gives each person their days, spread across weekdays and never on a day they do not work. The
same seed always gives the same allocation. `allocate_days` stores it; `send_reminders` emails
the day before an allocated or planned day, and nudges about days left incomplete.
"""

import random
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.audit.log import record
from pact_feedback.audit.models import AuditEvent
from pact_feedback.core.mail import external_url, send_email
from pact_feedback.core.time import today, utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.diary.models import DiaryAllocation, DiaryDay, DiaryPreference
from pact_feedback.extensions import db
from pact_feedback.participation.standing import keeping_diary, standing_of
from pact_feedback.studies.models import Study

NUDGE_AFTER_DAYS = 2


def choose_days(
    start: date,
    end: date,
    people: list[int],
    non_working: dict[int, set[int]],
    days_each: int,
    seed: str,
    earliest: date | None = None,
) -> dict[int, list[date]]:
    """Days for each person (by id): inside [max(start, earliest), end], on days they work,
    spreading everyone's days across the weekdays as evenly as possible. Reproducible."""
    rng = random.Random(seed)
    first = max(start, earliest) if earliest else start
    window = [first + timedelta(days=n) for n in range((end - first).days + 1)]
    used_weekdays: Counter = Counter()
    chosen: dict[int, list[date]] = {}
    for person in sorted(people):
        off = non_working.get(person, set())
        candidates = [d for d in window if d.weekday() not in off]
        if not candidates:
            chosen[person] = []
            continue
        rng.shuffle(candidates)
        mine: list[date] = []
        for _ in range(min(days_each, len(candidates))):
            # Least-used weekday first, avoiding a weekday this person already has.
            remaining = [d for d in candidates if d not in mine]
            fresh = [d for d in remaining if d.weekday() not in {m.weekday() for m in mine}]
            pool = fresh or remaining
            pick = min(pool, key=lambda d: (used_weekdays[d.weekday()], pool.index(d)))
            mine.append(pick)
            used_weekdays[pick.weekday()] += 1
        chosen[person] = sorted(mine)
    return chosen


def _consented_participants(study) -> list[Membership]:
    """Participants whose standing keeps a diary (participation.standing)."""
    consented = set(db.session.scalars(keeping_diary(study)))  # their standing decides
    return [
        m
        for m in db.session.scalars(
            select(Membership).filter_by(role=PARTICIPANT, study_id=study.id)
        )
        if m.user_id in consented
    ]


def allocate_days(study, seed: str | None = None, *, by=None) -> dict[int, list[date]]:
    """Allocate diary days to consented participants who have none yet (weekdays only by
    default: a participant's non-working days come from their diary settings)."""
    if not (study.collection_start and study.collection_end):
        return {}
    seed = seed or f"{study.id}-{study.slug}"
    have = set(db.session.scalars(select(DiaryAllocation.user_id).filter_by(study_id=study.id)))
    people = [m.user_id for m in _consented_participants(study) if m.user_id not in have]
    preferences = {
        p.user_id: set(p.non_working_days)
        for p in db.session.scalars(select(DiaryPreference).filter_by(study_id=study.id))
    }
    non_working = {p: preferences.get(p, {5, 6}) for p in people}
    chosen = choose_days(
        study.collection_start,
        study.collection_end,
        people,
        non_working,
        study.diary_days_required,
        seed,
        earliest=today() + timedelta(days=1),
    )
    for person, days in chosen.items():
        for day in days:
            db.session.add(
                DiaryAllocation(study_id=study.id, user_id=person, date=day, source="allocated")
            )
    record(
        "diary_days_allocated",
        by=by,
        obj=study,
        people=len(chosen),
        days=sum(len(d) for d in chosen.values()),
        seed=seed,
    )
    commit()
    return chosen


def send_reminders(on: date | None = None) -> dict[str, int]:
    """Email the day before each allocated or planned day, and nudge about days left
    incomplete for NUDGE_AFTER_DAYS days. Each email is sent once and logged in the audit log."""

    on = on or today()
    sent = {"reminders": 0, "nudges": 0}
    tomorrow = on + timedelta(days=1)
    due = db.session.scalars(
        select(DiaryAllocation).filter_by(date=tomorrow, reminded_at=None)
    ).all()
    for allocation in due:
        study = db.session.get(Study, allocation.study_id)
        if study.status != "collecting" or not standing_of(allocation.user_id, study).keeps_diary:
            continue
        user = db.session.get(User, allocation.user_id)
        send_email(
            user.email,
            "your diary day is tomorrow",
            "diary_reminder",
            user=user,
            study=study,
            day=allocation.date,
            link=external_url("diary.index", slug=study.slug),
        )
        allocation.reminded_at = utcnow()
        record("diary_reminder_sent", obj=allocation, user_id=user.id, date=str(tomorrow))
        sent["reminders"] += 1
        commit()
    nudged = {
        int(e.object_id)
        for e in db.session.scalars(select(AuditEvent).filter_by(action="diary_nudge_sent"))
        if e.object_id
    }
    stale = db.session.scalars(
        select(DiaryDay).where(
            DiaryDay.completed_at.is_(None), DiaryDay.date <= on - timedelta(days=NUDGE_AFTER_DAYS)
        )
    ).all()
    for day in stale:
        if day.id in nudged or day.study.status != "collecting":
            continue
        if not standing_of(day.user_id, day.study).keeps_diary:
            continue
        user = db.session.get(User, day.user_id)
        send_email(
            user.email,
            "your diary day is not finished yet",
            "diary_nudge",
            user=user,
            study=day.study,
            day=day.date,
            link=external_url("diary.day", slug=day.study.slug, day_id=day.id),
        )
        record("diary_nudge_sent", obj=day, user_id=user.id, date=str(day.date))
        sent["nudges"] += 1
        commit()
    return sent
