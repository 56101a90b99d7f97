"""Survey emails: invitations when a wave opens, reminders to practices that have not answered.

Every email sent is written to the send log (SurveySend) and audited.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.audit.log import record
from pact_feedback.core.mail import external_url, send_email
from pact_feedback.core.time import today, utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.leads import lead_states
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


REMIND_MIN_DAYS = 7  # the web button and `flask surveys remind` leave practices this long


class SendRefused(Exception):
    """Emails cannot go out for this wave now; the message is safe to show."""


@dataclass
class SendResult:
    """How many emails went, and every practice due one that got none, with the reason."""

    sent: int = 0
    skipped: list[tuple[Practice, str]] = field(default_factory=list)

    def skipped_text(self) -> str:
        """'2 practices skipped: Beta: lead invited 1 March 2027, not yet joined; Gamma: ...'"""
        if not self.skipped:
            return ""
        n = len(self.skipped)
        names = "; ".join(f"{p.name}: {why}" for p, why in self.skipped)
        return f"{n} practice{'s' if n != 1 else ''} skipped: {names}."


def _send(wave: SurveyWave, practice_ids, kind: str, *, by, result: SendResult) -> SendResult:
    study = wave.survey.study
    practices = {
        p.id: p for p in db.session.scalars(select(Practice).where(Practice.id.in_(practice_ids)))
    }
    leads = queries.practice_leads(list(practices))
    without = [p for p_id, p in practices.items() if p_id not in leads]
    states = lead_states(without)
    result.skipped += [(p, states[p.id].describe()) for p in without]
    result.skipped.sort(key=lambda item: item[0].name)
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
    record(
        f"survey_{kind}s_sent",
        by=by,
        obj=wave,
        study=study.slug,
        emails=sent,
        skipped={p.ods_code: why for p, why in result.skipped},
    )
    result.sent = sent
    return result


def _check_open(wave: SurveyWave, on: date) -> None:
    if not wave.is_open(on):
        raise SendRefused(f"Wave {wave.number} is not open, so no emails were sent")


def send_invitations(wave: SurveyWave, *, by=None, on: date | None = None) -> SendResult:
    """Invite every practice sent a report (its leads) to answer `wave`. Once per wave: the
    wave counts as invited only when at least one email went (practices without a lead are
    named in the result and reached by reminders once a lead joins)."""
    _check_open(wave, on or today())
    if wave.invitations_sent_at is not None:
        raise SendRefused(
            f"Invitations for wave {wave.number} already went out; send a reminder instead"
        )
    practice_ids = set(db.session.scalars(queries.sent_practice_ids(wave.survey.study_id)))
    result = _send(wave, practice_ids, "invitation", by=by, result=SendResult())
    if result.sent:
        wave.invitations_sent_at = utcnow()
    db.session.commit()
    return result


def send_reminders(
    wave: SurveyWave, *, by=None, on: date | None = None, min_days: int = REMIND_MIN_DAYS
) -> SendResult:
    """Remind practices that have not submitted an answer to `wave` (drafts count as not
    answered), skipping any emailed about it within `min_days` days (named, with the day the
    next reminder is allowed)."""
    _check_open(wave, on or today())
    due = set(db.session.scalars(queries.sent_practice_ids(wave.survey.study_id)))
    due -= queries.submitted_practice_ids(wave)
    result = SendResult()
    if min_days:
        recent = utcnow() - timedelta(days=min_days)
        emailed = {p: at for p, at in queries.last_sent(wave).items() if at and at > recent}
        for practice in db.session.scalars(
            select(Practice).where(Practice.id.in_(due & set(emailed)))
        ):
            allowed = emailed[practice.id] + timedelta(days=min_days)
            result.skipped.append(
                (
                    practice,
                    f"emailed in the last {min_days} days; next reminder from {allowed:%-d %B %Y}",
                )
            )
        due -= set(emailed)
    _send(wave, due, "reminder", by=by, result=result)
    db.session.commit()
    return result


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


def invite_opened_waves(on: date | None = None) -> list[tuple[SurveyWave, SendResult]]:
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


def remind_open_waves(
    on: date | None = None, min_days: int = REMIND_MIN_DAYS
) -> list[tuple[SurveyWave, SendResult]]:
    """For a scheduler: remind non-responders of every open wave whose invitations went out."""
    on = on or today()
    return [
        (wave, send_reminders(wave, on=on, min_days=min_days))
        for wave in open_waves(on)
        if wave.invitations_sent_at is not None
    ]
