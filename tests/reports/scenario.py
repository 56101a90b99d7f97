"""A small study round with completed diary days, built through the real models."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from tests.conftest import make_practice, make_study, make_user


@dataclass
class Round:
    study: object
    practices: list
    leads: list
    participants: dict = field(default_factory=dict)  # practice index -> [users]


def add_day(
    study, user, practice, minutes_by_code: dict, *, complete=True, outside=(), who=None, on=None
):
    categories = {
        c.code: c for c in db.session.scalars(select(Category).filter_by(study_id=study.id))
    }
    day = DiaryDay(
        study_id=study.id,
        user_id=user.id,
        practice_id=practice.id,
        date=on or study.collection_start,
        staff_role="gp_partner",
        completed_at=datetime(2026, 3, 2, 18, 0) if complete else None,
    )
    db.session.add(day)
    db.session.flush()
    for code, minutes in minutes_by_code.items():
        db.session.add(
            TaskEntry(
                day_id=day.id,
                category_id=categories[code].id,
                minutes=minutes,
                outside_hours=code in outside,
                could_be_done_by=(who or {}).get(code),
                client_id=str(uuid.uuid4()),
            )
        )
    db.session.commit()
    return day


def build_round(sizes=(5, 5, 5), *, share_first=0, status="analysing") -> Round:
    """Practices with `sizes` participants each, near-identical demographics, one day each.

    Participant i of practice p records 200 + 10 i minutes of booked consultations and
    40 + 5 p + i minutes of test results.
    """
    practices = [
        make_practice(imd_score=20 + p, list_size=8000 + 100 * p) for p in range(len(sizes))
    ]
    study = make_study(
        practices=practices,
        status=status,
        collection_start=date(2026, 3, 2),
        collection_end=date(2026, 3, 20),
    )
    ensure_taxonomy(study)
    db.session.commit()
    leads = [make_user(role=PRACTICE_LEAD, practice=p) for p in practices]
    world = Round(study=study, practices=practices, leads=leads)
    for p, (practice, size) in enumerate(zip(practices, sizes, strict=True)):
        world.participants[p] = []
        for i in range(size):
            user = make_user(
                role=PARTICIPANT,
                practice=practice,
                study=study,
                consented=True,
                staff_role="gp_partner",
            )
            if p == 0 and i < share_first:
                user.memberships[0].shares_with_practice = True
                db.session.commit()
            add_day(
                study,
                user,
                practice,
                {"A1": 200 + 10 * i, "B1": 40 + 5 * p + i},
                outside={"B1"},
                who={"B1": "admin"},
            )
            world.participants[p].append(user)
    return world
