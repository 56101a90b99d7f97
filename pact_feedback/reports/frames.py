"""Load a study round's diary data from the database into the frames `reports.build` reads.

One SQL query per frame, so generating reports for a large network stays a handful of round
trips; everything after this module is pure pandas.
"""

import pandas as pd
from sqlalchemy import func, select

from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.reports.build import StudyInputs
from pact_feedback.reports.matching import Profile
from pact_feedback.studies.models import Enrolment

ENTRY_COLUMNS = ["participant_id", "practice_id", "staff_role", "category", "group", "minutes"]
SIDE_COLUMNS = ["participant_id", "outside_hours", "could_be_done_by", "minutes"]
DAY_COLUMNS = ["participant_id", "practice_id", "staff_role", "day_id"]


def load_days(study) -> pd.DataFrame:
    """One row per completed diary day: only a day the participant finished counts."""
    rows = db.session.execute(
        select(DiaryDay.user_id, DiaryDay.practice_id, DiaryDay.staff_role, DiaryDay.id)
        .where(DiaryDay.study_id == study.id, DiaryDay.completed_at.is_not(None))
        .order_by(DiaryDay.id)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=DAY_COLUMNS)


def _completed_entries(study, *columns):
    return (
        select(*columns)
        .join(DiaryDay, TaskEntry.day_id == DiaryDay.id)
        .join(Category, TaskEntry.category_id == Category.id)
        .where(DiaryDay.study_id == study.id, DiaryDay.completed_at.is_not(None))
    )


def load_entries(study) -> pd.DataFrame:
    """Minutes per participant and category, summed in SQL.

    A round of a million entries arrives as one row per participant and category; every
    figure in `reports.compute` is a sum of minutes, so these rows work like entries.
    """
    keys = (
        DiaryDay.user_id,
        DiaryDay.practice_id,
        DiaryDay.staff_role,
        Category.code,
        Category.group,
    )
    rows = db.session.execute(
        _completed_entries(study, *keys, func.sum(TaskEntry.minutes))
        .group_by(*keys)
        .order_by(*keys[:4])
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=ENTRY_COLUMNS)
    frame["minutes"] = frame["minutes"].astype(float)
    return frame


def load_side(study) -> pd.DataFrame:
    """Minutes per participant split by outside-hours and "who could have done it"."""
    keys = (DiaryDay.user_id, TaskEntry.outside_hours, TaskEntry.could_be_done_by)
    rows = db.session.execute(
        _completed_entries(study, *keys, func.sum(TaskEntry.minutes))
        .group_by(*keys)
        .order_by(*keys)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=SIDE_COLUMNS)
    frame["minutes"] = frame["minutes"].astype(float)
    frame["outside_hours"] = frame["outside_hours"].astype(bool)
    return frame


def _profile(practice: Practice) -> Profile:
    return Profile(
        ods_code=practice.ods_code,
        nation=practice.nation,
        imd_score=practice.imd_score,
        pct_65_plus=practice.pct_65_plus,
        list_size=practice.list_size,
        pct_rural=practice.pct_rural,
    )


def load_inputs(study) -> StudyInputs:
    """Everything one round's reports are built from, read in one go."""
    categories = db.session.scalars(
        select(Category)
        .where(Category.study_id == study.id, Category.active.is_(True))
        .order_by(Category.position, Category.code)
    ).all()
    practices = db.session.scalars(select(Practice).order_by(Practice.ods_code)).all()
    enrolled = list(
        db.session.scalars(
            select(Enrolment.practice_id)
            .join(Practice, Practice.id == Enrolment.practice_id)
            .where(Enrolment.study_id == study.id)
            .order_by(Practice.ods_code)
        )
    )
    sharers = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.role == PARTICIPANT,
                Membership.study_id == study.id,
                Membership.shares_with_practice.is_(True),
            )
        )
    )
    in_round = [p for p in practices if p.id in set(enrolled)]
    data_dates = [p.data_date for p in in_round if p.data_date]
    return StudyInputs(
        study={"slug": study.slug, "title": study.title, "round": study.round},
        categories=[{"code": c.code, "label": c.label, "group": c.group} for c in categories],
        entries=load_entries(study),
        side=load_side(study),
        days=load_days(study),
        practices={
            p.id: {"name": p.name, "ods_code": p.ods_code, "profile": _profile(p)}
            for p in practices
        },
        reference=[_profile(p) for p in practices],
        enrolled=enrolled,
        sharers=sharers,
        weights=study.match_weights or None,
        k_practice=study.k_practice,
        peer_group_size=study.peer_group_size,
        data_date=max(data_dates) if data_dates else None,
    )
