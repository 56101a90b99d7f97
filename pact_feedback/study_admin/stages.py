"""The rules of moving a study between stages, shared by the web page and `flask studies advance`.

Each move is planned first: what it needs, what is missing, and what it will do (how many
emails to whom). A move happens only when nothing is missing and the person confirmed it. One
step back is possible where entering the current stage sent no email; it is audited too.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from pact_feedback.accounts.models import Invitation, User
from pact_feedback.audit.log import record
from pact_feedback.casebook.actions import has_record_audit
from pact_feedback.core.transaction import commit
from pact_feedback.diary.models import DiaryAllocation
from pact_feedback.extensions import db
from pact_feedback.jobs.queries import latest_run
from pact_feedback.reports.actions import release
from pact_feedback.reports.models import Report
from pact_feedback.reports.queries import lead_emails
from pact_feedback.studies.actions import advance_study
from pact_feedback.studies.lifecycle import STAGES, STATUS_CODES
from pact_feedback.study_admin.coverage import lead_coverage
from pact_feedback.surveys import queries as survey_queries
from pact_feedback.surveys.models import Survey, SurveySend, SurveyWave


class StageRefused(Exception):
    """The move cannot happen; the message says why."""


@dataclass
class StagePlan:
    """A proposed move of `study` to stage `to` (`back` when it is the step back)."""

    study: object
    to: object
    back: bool = False
    needs: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    job: object = None  # once performed: the job doing its work (the release's emails), if any

    @property
    def allowed(self) -> bool:
        return not self.missing

    @property
    def title(self) -> str:
        return f"Step back to: {self.to.label}" if self.back else self.to.action


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def neighbours(study) -> tuple:
    """(the stage after, the stage before) the study's current one, either may be None."""
    index = STATUS_CODES.index(study.status)
    after = STAGES[index + 1] if index + 1 < len(STAGES) else None
    before = STAGES[index - 1] if index > 0 else None
    return after, before


def plan(study, to: str) -> StagePlan:
    """The plan for moving `study` to `to`; raises StageRefused for a stage not next to it."""
    after, before = neighbours(study)
    if after is not None and to == after.code:
        result = StagePlan(study, after)
        _FORWARD[to](study, result)
    elif before is not None and to == before.code:
        result = StagePlan(study, before, back=True)
        _plan_back(study, result)
    else:
        raise StageRefused(
            f"The study is at the stage “{study.stage.label}”; it can move one step at a time."
        )
    return result


# Forward ----------------------------------------------------------------------------------


def _enrolled(study) -> int:
    return len(study.enrolments)


def _to_recruiting(study, p: StagePlan) -> None:
    p.needs.append("At least one practice enrolled.")
    if not _enrolled(study):
        p.missing.append("No practice is enrolled yet. Enrol practices first.")
    p.effects.append(
        "Practice leads can invite colleagues to take part. No email is sent by this step."
    )


def _to_collecting(study, p: StagePlan) -> None:
    p.needs.append("A collection window (first and last day).")
    if not (study.collection_start and study.collection_end):
        p.missing.append("Set the collection window in the study settings first.")
        return
    if has_record_audit(study):
        p.effects.append(
            f"Practices enter the cases of their record audit, planned for "
            f"{study.collection_start:%-d %B %Y} to {study.collection_end:%-d %B %Y}, and submit "
            "it when it is complete. No email is sent by this step."
        )
        return
    p.effects.append(
        f"Participants can record diary days from {study.collection_start:%-d %B %Y} to "
        f"{study.collection_end:%-d %B %Y}. No email is sent by this step; diary reminders go "
        "out the day before allocated or planned days."
    )


def _to_analysing(study, p: StagePlan) -> None:
    p.needs.append("Nothing: collection can close at any time.")
    if has_record_audit(study):
        p.effects.append(
            "Reports can be generated from the audits practices have submitted; an audit not "
            "yet submitted is left out until its practice submits it. No email is sent by this "
            "step."
        )
        return
    p.effects.append(
        "No more diary days or entries can be recorded; reports can be generated. "
        "No email is sent by this step."
    )


def _drafts(study) -> list:
    return db.session.scalars(
        select(Report).where(Report.study_id == study.id, Report.status == "draft")
    ).all()


def _readers(reports) -> set[str]:
    emails: set[str] = set()
    for report in reports:
        if report.kind == "participant":
            user = db.session.get(User, report.user_id)
            emails |= {user.email} if user else set()
        else:
            emails |= set(lead_emails(report.practice_id))
    return emails


def _to_released(study, p: StagePlan) -> None:
    p.needs.append("At least one generated report, reviewed.")
    drafts = _drafts(study)
    if not drafts:
        p.missing.append(
            "There are no generated reports to release. Generate and review them first."
        )
        return
    practice = sum(r.kind == "practice" for r in drafts)
    readers = _readers(drafts)
    p.effects.append(
        f"Releases {_plural(len(drafts), 'report')} ({practice} practice, "
        f"{len(drafts) - practice} participant): each is frozen and never changes under its "
        "reader."
    )
    p.effects.append(
        f"Emails {_plural(len(readers), 'reader')} a link to their report now "
        "(participants and practice leads)."
    )


def _to_survey(study, p: StagePlan) -> None:
    p.needs.append("At least one practice sent a report.")
    sent = survey_queries.count_sent(study)
    if not sent:
        p.missing.append(
            "No practice has been sent a report yet, so there is nobody to ask. Release "
            "reports, or record reports sent outside the app when enrolling."
        )
        return
    coverage = lead_coverage(study, only_sent=True)
    with_lead = [row for row in coverage if row.state == "joined"]
    without = [row for row in coverage if row.state != "joined"]
    p.effects.append(
        f"Practices can answer survey waves while they are open. No email is sent by this "
        f"step; invitations go to the leads of {_plural(len(with_lead), 'practice')} (of "
        f"{sent} sent a report) when each wave opens."
    )
    if without:
        names = ", ".join(f"{row.practice.name} ({row.describe()})" for row in without)
        p.effects.append(
            f"{_plural(len(without), 'practice has', 'practices have')} no practice lead to "
            f"invite: {names}."
        )


def _to_closed(study, p: StagePlan) -> None:
    p.needs.append("Nothing: a study can close at any time.")
    survey = survey_queries.survey_for(study)
    pending = 0
    if survey is not None and study.status == "survey_open":
        sent = set(db.session.scalars(survey_queries.sent_practice_ids(study.id)))
        for wave in survey.waves:
            if wave.invitations_sent_at is not None:
                pending += len(sent - survey_queries.submitted_practice_ids(wave))
    p.effects.append(
        "Closed means closed: no enrolment, no report generation, no survey answers, "
        f"invitations or reminders. The retention period ({study.retention_months} months) "
        "starts. No email is sent by this step."
    )
    if pending:
        p.effects.append(
            f"{_plural(pending, 'invited practice answer is', 'invited practice answers are')} "
            "still missing and will not be collected."
        )


_FORWARD = {
    "recruiting": _to_recruiting,
    "collecting": _to_collecting,
    "analysing": _to_analysing,
    "reports_released": _to_released,
    "survey_open": _to_survey,
    "closed": _to_closed,
}


# Back -------------------------------------------------------------------------------------


def _emails_sent_in(study) -> str | None:
    """Why the current stage cannot be undone (emails went out on entering it), or None."""
    status = study.status
    if status == "recruiting":
        invited = db.session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.study_id == study.id)
        )
        if invited:
            return f"{_plural(invited, 'invitation')} to take part already went out."
    if status == "collecting":
        reminded = db.session.scalar(
            select(func.count())
            .select_from(DiaryAllocation)
            .where(DiaryAllocation.study_id == study.id, DiaryAllocation.reminded_at.is_not(None))
        )
        if reminded:
            return f"{_plural(reminded, 'diary reminder')} already went out."
    if status == "reports_released":
        return "Reports were released and their readers were emailed."
    if status == "survey_open":
        sends = db.session.scalar(
            select(func.count())
            .select_from(SurveySend)
            .join(SurveyWave, SurveyWave.id == SurveySend.wave_id)
            .join(Survey, Survey.id == SurveyWave.survey_id)
            .where(Survey.study_id == study.id)
        )
        if sends:
            return f"{_plural(sends, 'survey email')} already went out."
    return None


def _plan_back(study, p: StagePlan) -> None:
    p.needs.append("No email sent since the study reached its current stage.")
    reason = _emails_sent_in(study)
    if reason:
        p.missing.append(f"{reason} The step cannot be undone.")
        return
    p.effects.append(
        f"The study returns to “{p.to.label}”; the date it reached “{study.stage.label}” is "
        "cleared. Nothing is deleted and no email is sent."
    )


# Doing it ---------------------------------------------------------------------------------


def perform(study, to: str, *, by) -> StagePlan:
    """Move `study` to `to` after the person confirmed the plan; StageRefused if not allowed."""
    result = plan(study, to)
    if not result.allowed:
        raise StageRefused(" ".join(result.missing))
    if result.back:
        current = study.stage
        study.status = to
        setattr(study, current.date_field, None)
        record("study_stepped_back", by=by, obj=study, from_status=current.code, to_status=to)
        commit()
    elif to == "reports_released":
        release(study, by=by)  # freezes, moves the study on and emails the readers
        result.job = latest_run(study, "release_emails")
    else:
        advance_study(study, to=to, by=by)
    return result
