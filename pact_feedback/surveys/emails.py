"""Survey emails: invitations when a wave opens, reminders to practices that have not answered.

Every email sent is written to the send log (SurveySend) and audited.
"""

from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.audit.log import record
from pact_feedback.core.mail import external_url, send_email
from pact_feedback.core.time import today, utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Study
from pact_feedback.surveys import queries
from pact_feedback.surveys.actions import schedule_waves
from pact_feedback.surveys.models import SURVEY_STAGE, Survey, SurveySend, SurveyWave

TEMPLATES = {"invitation": "survey_invitation", "reminder": "survey_reminder"}
SUBJECTS = {
    "invitation": "How has your practice used its PACT report?",
    "reminder": "Reminder: a few questions about your PACT report",
}


class SendRefused(Exception):
    """Emails cannot go out for this wave now; the message is safe to show."""


def _send(wave: SurveyWave, practice_ids, kind: str, *, by) -> int:
    study = wave.survey.study
    practices = {
        p.id: p for p in db.session.scalars(select(Practice).where(Practice.id.in_(practice_ids)))
    }
    leads = queries.practice_leads(list(practices))
    sent = 0
    for practice_id, people in sorted(leads.items()):
        practice = practices[practice_id]
        link = external_url(
            "surveys.answer", ods_code=practice.ods_code, slug=study.slug, number=wave.number
        )
        for person in people:
            send_email(
                person.email,
                SUBJECTS[kind],
                TEMPLATES[kind],
                person=person,
                practice=practice,
                study=study,
                wave=wave,
                link=link,
            )
            db.session.add(
                SurveySend(
                    wave_id=wave.id,
                    practice_id=practice_id,
                    user_id=person.id,
                    email=person.email,
                    kind=kind,
                    sent_by_id=getattr(by, "id", None),
                )
            )
            sent += 1
    record(f"survey_{kind}s_sent", by=by, obj=wave, study=study.slug, emails=sent)
    return sent


def _check_open(wave: SurveyWave, on: date) -> None:
    if not wave.is_open(on):
        raise SendRefused(f"Wave {wave.number} is not open, so no emails were sent")


def send_invitations(wave: SurveyWave, *, by=None, on: date | None = None) -> int:
    """Invite every practice sent a report (its leads) to answer `wave`. Once per wave."""
    _check_open(wave, on or today())
    if wave.invitations_sent_at is not None:
        raise SendRefused(
            f"Invitations for wave {wave.number} already went out; send a reminder instead"
        )
    practice_ids = set(db.session.scalars(queries.sent_practice_ids(wave.survey.study_id)))
    sent = _send(wave, practice_ids, "invitation", by=by)
    wave.invitations_sent_at = utcnow()
    db.session.commit()
    return sent


def send_reminders(wave: SurveyWave, *, by=None, on: date | None = None, min_days: int = 0) -> int:
    """Remind practices that have not submitted an answer to `wave` (drafts count as not
    answered), skipping any emailed about it within `min_days` days."""
    _check_open(wave, on or today())
    due = set(db.session.scalars(queries.sent_practice_ids(wave.survey.study_id)))
    due -= queries.submitted_practice_ids(wave)
    if min_days:
        recent = utcnow() - timedelta(days=min_days)
        due -= {p for p, at in queries.last_sent(wave).items() if at and at > recent}
    sent = _send(wave, due, "reminder", by=by)
    db.session.commit()
    return sent


def open_waves(on: date) -> list[SurveyWave]:
    """Waves open on `on` in studies at the uptake-survey stage."""
    return list(
        db.session.scalars(
            select(SurveyWave)
            .join(Survey, Survey.id == SurveyWave.survey_id)
            .join(Study, Study.id == Survey.study_id)
            .where(
                Study.status == SURVEY_STAGE,
                SurveyWave.opens_on <= on,
                SurveyWave.closes_on >= on,
            )
            .order_by(Study.slug, SurveyWave.number)
        )
    )


def invite_opened_waves(on: date | None = None) -> list[tuple[SurveyWave, int]]:
    """For a daily scheduler: date waves whose release is now known, then send invitations
    for every open wave that has none yet."""
    on = on or today()
    for survey in db.session.scalars(select(Survey)):
        schedule_waves(survey)
    db.session.commit()
    return [
        (wave, send_invitations(wave, on=on))
        for wave in open_waves(on)
        if wave.invitations_sent_at is None
    ]


def remind_open_waves(on: date | None = None, min_days: int = 7) -> list[tuple[SurveyWave, int]]:
    """For a scheduler: remind non-responders of every open wave whose invitations went out."""
    on = on or today()
    return [
        (wave, send_reminders(wave, on=on, min_days=min_days))
        for wave in open_waves(on)
        if wave.invitations_sent_at is not None
    ]
