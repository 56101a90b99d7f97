"""Erasure, the study team's counterpart to withdrawal (`pact_feedback.participation.actions`).

Withdraw stops further collection and keeps what was collected. Erase deletes the participant's
diary (days, entries, allocated days, diary settings) and private report snapshots for real,
regenerates unreleased draft reports without them, and leaves released practice reports frozen.
The audit log records that it happened and how many rows went, never the data.
"""

from sqlalchemy import delete, func, select, update

from pact_feedback.accounts.models import Membership
from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.diary.models import DiaryAllocation, DiaryDay, DiaryPreference, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.participation.actions import withdrawal_for
from pact_feedback.participation.models import Withdrawal
from pact_feedback.qi.models import QIProject
from pact_feedback.reports.actions import ReportError, generate
from pact_feedback.reports.models import Report, ReportAccess


def held_data(user_id: int, study_id: int) -> dict[str, int]:
    """How many rows of the participant's data the study holds, by kind."""
    day_ids = select(DiaryDay.id).filter_by(user_id=user_id, study_id=study_id)

    def count(query) -> int:
        return db.session.scalar(select(func.count()).select_from(query.subquery()))

    return {
        "diary_days": count(day_ids),
        "task_entries": count(select(TaskEntry.id).where(TaskEntry.day_id.in_(day_ids))),
        "allocated_days": count(
            select(DiaryAllocation.id).filter_by(user_id=user_id, study_id=study_id)
        ),
        "diary_settings": count(
            select(DiaryPreference.id).filter_by(user_id=user_id, study_id=study_id)
        ),
        "participant_reports": count(
            select(Report.id).filter_by(user_id=user_id, study_id=study_id, kind="participant")
        ),
    }


def erase(membership: Membership, *, by) -> dict[str, int]:
    """Delete the participant's data in the study; also withdraws them. Returns rows deleted."""

    user_id, study = membership.user_id, membership.study
    counts = held_data(user_id, study.id)
    withdrawal = withdrawal_for(user_id, study.id)
    if withdrawal is None:
        withdrawal = Withdrawal(
            user_id=user_id, study_id=study.id, withdrawn_by_id=getattr(by, "id", None)
        )
        db.session.add(withdrawal)
        record(
            "participant_withdrawn",
            by=by,
            obj=membership,
            study_id=study.id,
            participant_id=user_id,
            by_participant=getattr(by, "id", None) == user_id,
        )
    day_ids = select(DiaryDay.id).filter_by(user_id=user_id, study_id=study.id)
    report_ids = select(Report.id).filter_by(user_id=user_id, study_id=study.id, kind="participant")
    db.session.execute(delete(TaskEntry).where(TaskEntry.day_id.in_(day_ids)))
    db.session.execute(delete(DiaryDay).filter_by(user_id=user_id, study_id=study.id))
    db.session.execute(delete(DiaryAllocation).filter_by(user_id=user_id, study_id=study.id))
    db.session.execute(delete(DiaryPreference).filter_by(user_id=user_id, study_id=study.id))
    db.session.execute(delete(ReportAccess).where(ReportAccess.report_id.in_(report_ids)))
    # Their own QI projects stay theirs; only the link to the deleted report goes (as ON DELETE
    # SET NULL does on PostgreSQL; SQLite may not enforce foreign keys).
    db.session.execute(
        update(QIProject).where(QIProject.report_id.in_(report_ids)).values(report_id=None)
    )
    db.session.execute(delete(Report).where(Report.id.in_(report_ids)))
    drafts = db.session.scalar(
        select(func.count(Report.id)).filter_by(study_id=study.id, status="draft")
    )
    withdrawal.erased_at = utcnow()  # their standing is now "erased"
    record(
        "participant_erased",
        by=by,
        obj=membership,
        study_id=study.id,
        participant_id=user_id,
        by_participant=getattr(by, "id", None) == user_id,
        rows_deleted=counts,
        drafts_regenerated=bool(drafts),
    )
    commit()
    db.session.expire_all()
    if drafts:
        try:
            generate(study, by=by)
        except ReportError:  # released meanwhile: released reports stay frozen
            db.session.rollback()
    return counts
