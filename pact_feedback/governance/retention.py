"""Retention: a closed study's diary data, survey responses and reports are deleted once the
study has been closed longer than its retention period (`Study.retention_months`)."""

from datetime import datetime

from sqlalchemy import delete, func, select, update

from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.diary.models import DiaryAllocation, DiaryDay, DiaryPreference, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.qi.models import QIProject
from pact_feedback.reports.models import Report, ReportAccess
from pact_feedback.studies.models import Study
from pact_feedback.surveys.models import (
    Survey,
    SurveyResponse,
    SurveyResponseVersion,
    SurveyWave,
)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(
        moment.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return moment.replace(year=year, month=month, day=day)


def expires_at(study: Study) -> datetime | None:
    if study.status != "closed" or study.closed_at is None:
        return None
    return add_months(study.closed_at, study.retention_months)


def set_retention(study: Study, months: int, *, by) -> None:
    if study.retention_months == months:
        return
    record("retention_changed", by=by, obj=study, old=study.retention_months, new=months)
    study.retention_months = months
    commit()


def expired_studies(now: datetime | None = None) -> list[Study]:
    now = now or utcnow()
    closed = db.session.scalars(
        select(Study).where(Study.status == "closed", Study.closed_at.is_not(None))
    ).all()
    return [s for s in closed if expires_at(s) <= now]


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def purge_study(study: Study, *, by=None) -> dict[str, int]:
    """Delete the study's diary data, survey responses and reports. Returns rows deleted."""
    day_ids = select(DiaryDay.id).where(DiaryDay.study_id == study.id)
    wave_ids = select(SurveyWave.id).join(Survey).where(Survey.study_id == study.id)
    response_ids = select(SurveyResponse.id).where(SurveyResponse.wave_id.in_(wave_ids))
    report_ids = select(Report.id).where(Report.study_id == study.id)
    counts = {
        "task_entries": _count(select(TaskEntry.id).where(TaskEntry.day_id.in_(day_ids))),
        "diary_days": _count(day_ids),
        "allocated_days": _count(select(DiaryAllocation.id).filter_by(study_id=study.id)),
        "diary_settings": _count(select(DiaryPreference.id).filter_by(study_id=study.id)),
        "survey_responses": _count(response_ids),
        "reports": _count(report_ids),
    }
    if not any(counts.values()):
        return counts
    db.session.execute(delete(TaskEntry).where(TaskEntry.day_id.in_(day_ids)))
    db.session.execute(delete(DiaryDay).where(DiaryDay.study_id == study.id))
    db.session.execute(delete(DiaryAllocation).where(DiaryAllocation.study_id == study.id))
    db.session.execute(delete(DiaryPreference).where(DiaryPreference.study_id == study.id))
    db.session.execute(
        delete(SurveyResponseVersion).where(SurveyResponseVersion.response_id.in_(response_ids))
    )
    db.session.execute(delete(SurveyResponse).where(SurveyResponse.id.in_(response_ids)))
    db.session.execute(delete(ReportAccess).where(ReportAccess.report_id.in_(report_ids)))
    db.session.execute(
        update(QIProject).where(QIProject.report_id.in_(report_ids)).values(report_id=None)
    )
    db.session.execute(delete(Report).where(Report.id.in_(report_ids)))
    record(
        "retention_purge",
        by=by,
        obj=study,
        retention_months=study.retention_months,
        closed_at=study.closed_at.isoformat() if study.closed_at else None,
        rows_deleted=counts,
    )
    commit()
    return counts


def purge_expired(now: datetime | None = None, *, by=None) -> list[tuple[Study, dict[str, int]]]:
    return [(study, purge_study(study, by=by)) for study in expired_studies(now)]
