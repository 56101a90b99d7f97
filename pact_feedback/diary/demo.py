"""Realistic, reproducible demo diaries: each consented participant gets one or two completed
diary days of 15-30 entries, with minutes per category plausible for their role.

Days are always before today, so a demo participant can still open today's diary and log an
entry at once.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from pact_feedback.accounts.models import Consent, Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.core.time import today, utcnow
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db

# code: (fewest entries, most entries, shortest minutes, longest minutes)
_GP = {
    "A1": (2, 3, 60, 150),
    "A2": (2, 4, 5, 15),
    "A3": (0, 1, 40, 70),
    "B1": (2, 4, 10, 30),
    "B2": (2, 3, 10, 25),
    "B3": (2, 3, 10, 25),
    "B4": (1, 2, 10, 20),
    "B5": (1, 3, 10, 20),
    "B6": (0, 2, 5, 15),
    "B7": (1, 2, 10, 30),
    "B8": (0, 2, 5, 15),
    "B9": (0, 1, 15, 30),
    "C1": (0, 2, 5, 20),
    "C2": (0, 1, 30, 60),
    "D1": (0, 1, 10, 30),
    "D2": (0, 1, 15, 40),
    "D3": (0, 1, 15, 45),
    "D4": (1, 2, 10, 20),
    "D5": (0, 2, 5, 15),
    "E1": (1, 1, 15, 30),
}
_NURSE = {
    "A1": (3, 4, 50, 120),
    "A2": (1, 3, 5, 15),
    "A3": (0, 1, 30, 60),
    "B1": (1, 2, 5, 15),
    "B2": (0, 1, 5, 15),
    "B3": (1, 2, 5, 15),
    "B5": (1, 3, 5, 15),
    "B7": (2, 3, 10, 20),
    "B8": (0, 1, 5, 15),
    "C1": (0, 1, 10, 20),
    "C2": (0, 1, 30, 45),
    "D1": (0, 1, 10, 20),
    "D3": (0, 1, 20, 40),
    "D4": (1, 2, 5, 15),
    "D5": (1, 2, 5, 15),
    "E1": (1, 1, 20, 30),
}
_PHARMACIST = _NURSE | {"A1": (2, 3, 40, 90), "B2": (4, 6, 15, 40), "B1": (2, 3, 10, 20)}
_PROFILES = {
    "gp_partner": _GP,
    "salaried_gp": _GP,
    "locum_gp": _GP,
    "gp_registrar": _GP,
    "foundation_doctor": _GP,
    "practice_nurse": _NURSE,
    "anp": _GP | {"B6": (0, 1, 5, 10), "C2": (0, 1, 30, 45), "D1": (0, 0, 0, 0)},
    "clinical_pharmacist": _PHARMACIST,
}
_ITEMS = {"B1": (8, 45), "B2": (10, 60), "B3": (5, 25), "B5": (4, 20), "B6": (1, 4)}
_WHO = {
    "B2": ("other_clinician", "admin"),
    "B3": ("admin", "other_clinician"),
    "B5": ("admin", "other_clinician"),
    "B6": ("other_clinician",),
    "D1": ("admin",),
    "D4": ("admin",),
    "D5": ("nobody",),
}
_NOTES = {
    "B1": "Batch of results after a lab delay",
    "D5": "Log-in failed twice, waited for a new smartcard session",
    "B4": "Rejected referral: redone on the new form",
    "C1": "Debrief with the registrar after a difficult call",
}


def _entries_for(profile: dict, rng: random.Random) -> list[tuple[str, int]]:
    planned = []
    for code, (low, high, shortest, longest) in profile.items():
        for _ in range(rng.randint(low, high)):
            planned.append((code, rng.randint(shortest, longest)))
    while len(planned) < 15:
        planned.append((rng.choice(["B1", "B5", "D4", "B3"]), rng.randint(5, 12)))
    rng.shuffle(planned)
    planned = planned[:30]
    breaks = [p for p in planned if p[0] == "E1"]
    work = [p for p in planned if p[0] != "E1"]
    middle = len(work) // 2
    return work[:middle] + breaks + work[middle:]


def _diary_dates(study, rng: random.Random, count: int) -> list[date]:
    last = min(study.collection_end or today(), today() - timedelta(days=1))
    first = study.collection_start or last - timedelta(days=27)
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weekdays = [d for d in span if d.weekday() < 5] or span
    return sorted(rng.sample(weekdays, min(count, len(weekdays))))


def seed_diary(study, rng: random.Random) -> int:
    """Diary days for every consented participant of `study`; returns how many days were made.

    Participants who already have days in the study are left as they are.
    """
    ensure_taxonomy(study)
    categories = {
        c.code: c for c in db.session.scalars(select(Category).filter_by(study_id=study.id))
    }
    consented = set(db.session.scalars(select(Consent.user_id).filter_by(study_id=study.id)))
    memberships = db.session.scalars(
        select(Membership)
        .filter_by(role=PARTICIPANT, study_id=study.id)
        .order_by(Membership.user_id)
    ).all()
    made = 0
    for membership in memberships:
        if membership.user_id not in consented:
            continue
        if db.session.scalar(
            select(DiaryDay.id).filter_by(study_id=study.id, user_id=membership.user_id)
        ):
            continue
        role = membership.staff_role or "salaried_gp"
        profile = _PROFILES.get(role, _NURSE)
        doctor = profile is _GP or role == "anp"
        for on in _diary_dates(study, rng, rng.choice([1, 1, 2])):
            start = time(8, 0) if doctor else time(8, 30)
            end = time(18, 30) if doctor else time(17, 0)
            day = DiaryDay(
                study_id=study.id,
                user_id=membership.user_id,
                practice_id=membership.practice_id,
                date=on,
                staff_role=role,
                scheduled_start=start,
                scheduled_end=end,
                sessions=2.0 if rng.random() < 0.8 else 1.5,
                typical=rng.random() < 0.75,
                workload_rating=rng.randint(5, 10) if doctor else rng.randint(3, 9),
                completed_at=utcnow(),
            )
            db.session.add(day)
            db.session.flush()
            cursor = datetime.combine(on, start)
            finish = datetime.combine(on, end)
            for n, (code, minutes) in enumerate(_entries_for(profile, rng)):
                cursor += timedelta(minutes=rng.choice([0, 0, 0, 2, 5]))
                ends = cursor + timedelta(minutes=minutes)
                timed = ends.date() == on and ends.time() < time(23, 30)
                low_high = _ITEMS.get(code)
                db.session.add(
                    TaskEntry(
                        day_id=day.id,
                        category_id=categories[code].id,
                        minutes=minutes,
                        started_at=cursor.time() if timed else None,
                        ended_at=ends.time() if timed else None,
                        item_count=rng.randint(*low_high) if low_high else None,
                        outside_hours=cursor >= finish or cursor.time() < start,
                        interrupted=code[0] in "BC" and rng.random() < 0.15,
                        could_be_done_by=(
                            rng.choice(_WHO[code]) if code in _WHO and rng.random() < 0.4 else None
                        ),
                        note=_NOTES.get(code) if rng.random() < 0.1 else None,
                        client_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-{day.id}-{n}")),
                    )
                )
                cursor = ends
            made += 1
    db.session.commit()
    return made
