"""Diary fixtures: a collecting study with its taxonomy and a consented participant."""

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from tests.conftest import make_practice, make_study, make_user


def make_day(user, study, practice, *, on=None, entries=(), **fields) -> DiaryDay:
    day = DiaryDay(
        study_id=study.id,
        user_id=user.id,
        practice_id=practice.id,
        date=on or date.today(),
        staff_role=fields.pop("staff_role", "gp_partner"),
        scheduled_start=fields.pop("scheduled_start", time(8)),
        scheduled_end=fields.pop("scheduled_end", time(18)),
        **fields,
    )
    db.session.add(day)
    db.session.flush()
    for n, (code, minutes) in enumerate(entries):
        category = db.session.scalar(select(Category).filter_by(study_id=study.id, code=code))
        db.session.add(
            TaskEntry(day_id=day.id, category_id=category.id, minutes=minutes, client_id=f"c{n}")
        )
    db.session.commit()
    return day


@pytest.fixture
def diary(ctx):
    practice, other_practice = make_practice(), make_practice()
    study = make_study(
        practices=[practice, other_practice],
        status="collecting",
        collection_start=date.today() - timedelta(days=5),
        collection_end=date.today() + timedelta(days=10),
    )
    ensure_taxonomy(study)
    db.session.commit()
    me = make_user(
        role=PARTICIPANT, practice=practice, study=study, consented=True, staff_role="gp_partner"
    )
    colleague = make_user(
        role=PARTICIPANT, practice=practice, study=study, consented=True, staff_role="anp"
    )
    lead = make_user(role=PRACTICE_LEAD, practice=practice)
    team = make_user(role=STUDY_TEAM)
    categories = {
        c.code: c for c in db.session.scalars(select(Category).filter_by(study_id=study.id))
    }
    return SimpleNamespace(
        practice=practice,
        other_practice=other_practice,
        study=study,
        me=me,
        colleague=colleague,
        lead=lead,
        team=team,
        categories=categories,
        base=f"/take-part/{study.slug}/diary",
    )
