"""Survey emails: invitations when a wave opens, reminders to practices that have not answered.

They go out as jobs (pact_feedback/jobs), each email once; every email sent is written to the
send log (SurveySend), and each sending is audited.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.accounts.models import User
from pact_feedback.audit.log import record
from pact_feedback.core.mail import build_email, external_url
from pact_feedback.core.time import today, utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.jobs.models import SentEmail
from pact_feedback.jobs.queue import chunks, start
from pact_feedback.practices.leads import lead_states
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Study
from pact_feedback.surveys import queries
from pact_feedback.surveys.actions import schedule_waves
from pact_feedback.surveys.models import SURVEY_STAGE, Survey, SurveySend, SurveyWave

SEND = "pact_feedback.jobs.mailing.send_emails"
COMPOSE = "pact_feedback.surveys.emails.compose"
LOG_SEND = "pact_feedback.surveys.emails.log_send"
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
    """Queue an email to each lead of `practice_ids` (a job: `jobs.mailing.send_emails`); each
    is written to the send log as it goes out. Practices without a lead are named in `result`
    with the state of their lead's invitation; `result.sent` is the number of emails queued."""
    study = wave.survey.study
    practices = {
        p.id: p for p in db.session.scalars(select(Practice).where(Practice.id.in_(practice_ids)))
    }
    leads = queries.practice_leads(list(practices))
    without = [p for p_id, p in practices.items() if p_id not in leads]
    states = lead_states(without)
    result.skipped += [(p, states[p.id].describe()) for p in without]
    result.skipped.sort(key=lambda item: item[0].name)
    # An invitation goes once per wave and person; a reminder at most once a day.
    suffix = "" if kind == "invitation" else f":on:{today().isoformat()}"
    items = [
        [person.email, f"wave:{wave.id}:practice:{practice_id}:user:{person.id}{suffix}"]
        for practice_id, people in sorted(leads.items())
        for person in people
    ]
    start(
        f"survey_{kind}s",
        f"Sending wave {wave.number} {kind}s for {study.title}",
        by=by,
        study=study,
        total=len(items),
        steps=[
            (SEND, (f"survey_{kind}", f"{COMPOSE}_{kind}", chunk, LOG_SEND))
            for chunk in chunks(items)
        ],
    )
    record(
        f"survey_{kind}s_sent",
        by=by,
        obj=wave,
        study=study.slug,
        emails=len(items),
        skipped={p.ods_code: why for p, why in result.skipped},
    )
    result.sent = len(items)
    return result


def _ids(object_key: str) -> tuple[int, int, int]:
    """(wave id, practice id, user id) from "wave:1:practice:2:user:3[:on:date]"."""
    parts = object_key.split(":")
    return int(parts[1]), int(parts[3]), int(parts[5])


def _parse(object_key: str) -> tuple[SurveyWave | None, Practice | None, User | None]:
    wave_id, practice_id, user_id = _ids(object_key)
    return (
        db.session.get(SurveyWave, wave_id),
        db.session.get(Practice, practice_id),
        db.session.get(User, user_id),
    )


def _compose(kind: str, object_key: str):
    wave, practice, person = _parse(object_key)
    if wave is None or practice is None or person is None:
        return None
    study = wave.survey.study
    link = external_url(
        "surveys.answer", ods_code=practice.ods_code, slug=study.slug, number=wave.number
    )
    return build_email(
        person.email,
        SUBJECTS[kind],
        TEMPLATES[kind],
        person=person,
        practice=practice,
        study=study,
        wave=wave,
        link=link,
    )


def compose_invitation(recipient: str, object_key: str):
    return _compose("invitation", object_key)


def compose_reminder(recipient: str, object_key: str):
    return _compose("reminder", object_key)


def log_send(run, sent: SentEmail) -> None:
    """Write the study team's send log row for an email just sent (same transaction)."""
    wave_id, practice_id, user_id = _ids(sent.object_key)
    db.session.add(
        SurveySend(
            wave_id=wave_id,
            practice_id=practice_id,
            user_id=user_id,
            email=sent.recipient,
            kind=sent.kind.removeprefix("survey_"),
            sent_at=sent.sent_at,
            sent_by_id=run.created_by_id,
        )
    )


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
    commit()
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
    commit()
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
    commit()
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
