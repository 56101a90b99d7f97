"""Demo diaries: realistic, reproducible, before today, only for consented participants."""

import random

from sqlalchemy import func, select

from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.diary.demo import seed_diary
from pact_feedback.diary.models import DiaryDay, TaskEntry
from pact_feedback.diary.validation import TimedEntry, check_entry
from pact_feedback.extensions import db
from tests.conftest import make_user


def test_each_consented_participant_gets_realistic_completed_days(diary):
    nurse = make_user(
        role=PARTICIPANT,
        practice=diary.practice,
        study=diary.study,
        consented=True,
        staff_role="practice_nurse",
    )
    unconsented = make_user(role=PARTICIPANT, practice=diary.practice, study=diary.study)
    made = seed_diary(diary.study, random.Random(1))
    days = db.session.scalars(select(DiaryDay)).all()
    assert made == len(days) >= 3
    owners = {d.user_id for d in days}
    assert owners == {diary.me.id, diary.colleague.id, nurse.id}
    assert unconsented.id not in owners
    for day in days:
        assert day.completed_at is not None
        assert diary.study.collection_start <= day.date < diary.study.collection_end
        assert 15 <= len(day.entries) <= 30
        total = sum(e.minutes for e in day.entries)
        assert 6 * 60 <= total <= 24 * 60
        others = []
        for entry in day.entries:  # every entry keeps the diary's own rules
            checked = check_entry(
                {
                    "category_id": entry.category_id,
                    "minutes": entry.minutes,
                    "started_at": entry.started_at,
                    "ended_at": entry.ended_at,
                    "note": entry.note,
                },
                allowed_category_ids={entry.category_id},
                others=others,
            )
            assert checked.ok, checked.errors
            others.append(TimedEntry(entry.id, entry.minutes))
    gp_minutes = sum(
        e.minutes
        for d in days
        if d.user_id == diary.me.id
        for e in d.entries
        if e.category.group == "B"
    )
    nurse_minutes = sum(
        e.minutes
        for d in days
        if d.user_id == nurse.id
        for e in d.entries
        if e.category.group == "B"
    )
    gp_days = sum(1 for d in days if d.user_id == diary.me.id)
    nurse_days = sum(1 for d in days if d.user_id == nurse.id)
    assert gp_minutes / gp_days > nurse_minutes / nurse_days  # GPs carry more hidden work


def test_seeding_is_reproducible_and_leaves_existing_diaries_alone(diary):
    seed_diary(diary.study, random.Random(7))
    first = [
        (e.category.code, e.minutes)
        for e in db.session.scalars(select(TaskEntry).order_by(TaskEntry.id))
    ]
    assert seed_diary(diary.study, random.Random(7)) == 0
    db.session.execute(db.delete(TaskEntry))
    db.session.execute(db.delete(DiaryDay))
    db.session.commit()
    seed_diary(diary.study, random.Random(7))
    again = [
        (e.category.code, e.minutes)
        for e in db.session.scalars(select(TaskEntry).order_by(TaskEntry.id))
    ]
    assert again == first
    assert db.session.scalar(select(func.count()).select_from(TaskEntry)) == len(first)
