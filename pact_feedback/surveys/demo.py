"""Demo uptake answers for Why Test, reproducing its published figures in wave 1.

Why Test's reports were produced outside PACT Feedback (report_sent_on). Wave 1: 36 practices
answered: discussed 21 yes / 14 planning / 1 no (58% / 39%); used for QI 18 / 16 / 2
(50% / 44%). Wave 2 shows "planning" turning into "yes". A third wave is open today, so a demo
practice lead can answer it.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.time import today
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys.actions import ensure_default_survey
from pact_feedback.surveys.answers import is_shown
from pact_feedback.surveys.definitions import spec_of
from pact_feedback.surveys.models import (
    SurveyResponse,
    SurveyResponseVersion,
    SurveySend,
    SurveyWave,
)

SENT_ON = date(2026, 1, 15)
WAVE_1 = {
    "discussed": ["yes"] * 21 + ["planning"] * 14 + ["no"],
    "used_for_qi": ["yes"] * 18 + ["planning"] * 16 + ["no"] * 2,
}


def seed_uptake(why_test, *other_studies) -> None:
    for study in other_studies:
        ensure_default_survey(study)
    _enrol_everyone(why_test)
    survey = ensure_default_survey(why_test)
    db.session.flush()
    survey.waves.append(
        SurveyWave(
            number=3, opens_on=today() - timedelta(days=7), closes_on=today() + timedelta(21)
        )
    )
    practices = db.session.scalars(
        select(Practice)
        .join(Enrolment, Enrolment.practice_id == Practice.id)
        .where(Enrolment.study_id == why_test.id)
        .order_by(Practice.id)
    ).all()
    leads = dict(
        db.session.execute(
            select(Membership.practice_id, Membership.user_id).where(
                Membership.role == PRACTICE_LEAD
            )
        ).all()
    )
    rng = random.Random(36)
    questions = [spec_of(q) for q in survey.questions]
    first, second = survey.waves[0], survey.waves[1]
    respondents = practices[:36]
    wave_1 = {p.id: {k: WAVE_1[k][i] for k in WAVE_1} for i, p in enumerate(respondents)}
    for practice in respondents:
        answers = _fill(questions, wave_1[practice.id], rng)
        _respond(first, practice, answers, leads.get(practice.id), rng)
    for practice in respondents[2:32]:  # 30 answer again in wave 2
        moved = {k: _later(v, rng) for k, v in wave_1[practice.id].items()}
        _respond(second, practice, _fill(questions, moved, rng), leads.get(practice.id), rng)
    db.session.flush()
    _log_invitations([first, second], [p for p in practices if p.id in leads], leads)
    db.session.commit()


def _log_invitations(waves, practices, leads) -> None:
    """The closed waves' invitations, as the send log would show them (demo leads only)."""
    emails = dict(db.session.execute(select(User.id, User.email)).all())
    for wave in waves:
        wave.invitations_sent_at = datetime.combine(wave.opens_on, time(7))
        for practice in practices:
            db.session.add(
                SurveySend(
                    wave_id=wave.id,
                    practice_id=practice.id,
                    user_id=leads[practice.id],
                    email=emails[leads[practice.id]],
                    kind="invitation",
                    sent_at=wave.invitations_sent_at,
                )
            )


def _enrol_everyone(study) -> None:
    enrolled = set(db.session.scalars(select(Enrolment.practice_id).filter_by(study_id=study.id)))
    for practice in db.session.scalars(select(Practice).order_by(Practice.id)):
        if practice.id not in enrolled:
            db.session.add(Enrolment(study=study, practice=practice, report_sent_on=SENT_ON))
    db.session.flush()


def _later(answer: str, rng: random.Random) -> str:
    """Half of those planning have done it by wave 2; nobody goes backwards."""
    return "yes" if answer == "planning" and rng.random() < 0.5 else answer


def _fill(questions, fixed: dict, rng: random.Random) -> dict:
    """Plausible answers to the other questions, respecting show-if."""
    answers = dict(fixed)
    for q in questions:
        if q.code in answers or not is_shown(q, answers) or rng.random() < 0.15:
            continue
        codes = q.choice_codes()
        if q.type == "single":
            answers[q.code] = rng.choice(codes)
        elif q.type == "multiple":
            chosen = set(rng.sample(codes, rng.randint(1, 3)))
            answers[q.code] = [c for c in codes if c in chosen]
        elif q.type == "scale_1_5":
            answers[q.code] = rng.choice([2, 3, 3, 4, 4, 4, 5])
        elif q.type == "text":
            answers[q.code] = rng.choice(
                [
                    "Routine letters now go to a trained administrator before a GP sees them.",
                    "Pharmacist takes on medication reviews flagged in the report.",
                    "Test results workflow reviewed at the clinical meeting.",
                ]
            )
        elif q.type == "date":
            answers[q.code] = (SENT_ON + timedelta(days=rng.randint(60, 300))).isoformat()
    return answers


def _respond(wave, practice, answers, lead_id, rng) -> None:
    opened = datetime.combine(wave.opens_on, time(8))
    saved = opened + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 9))
    response = SurveyResponse(wave=wave, practice=practice, created_at=saved, submitted_at=saved)
    response.versions.append(
        SurveyResponseVersion(
            number=1, answers=answers, submitted=True, saved_by_id=lead_id, saved_at=saved
        )
    )
    db.session.add(response)
