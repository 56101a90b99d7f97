"""Read-only record-audit queries."""

from sqlalchemy import func, select

from pact_feedback.accounts.access import led_practice_ids
from pact_feedback.casebook.models import Case, CaseAudit, CaseReview
from pact_feedback.extensions import db
from pact_feedback.participation.access import participation_in
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment


def member_practice(user, study) -> Practice | None:
    """The practice whose audit `user` works on in `study`: as a participant there, or as the
    lead of an enrolled practice. None for anyone else."""
    membership = participation_in(user, study)
    if membership is not None and membership.practice_id:
        return db.session.get(Practice, membership.practice_id)
    led = led_practice_ids(user)
    if not led:
        return None
    return db.session.scalar(
        select(Practice)
        .join(Enrolment, Enrolment.practice_id == Practice.id)
        .where(Enrolment.study_id == study.id, Practice.id.in_(led))
        .order_by(Practice.ods_code)
    )


def case_by_sequence(audit: CaseAudit | None, sequence: int) -> Case | None:
    if audit is None:
        return None
    return db.session.scalar(select(Case).filter_by(audit_id=audit.id, sequence=sequence))


def reviewed_sequences(audit: CaseAudit) -> set[int]:
    return set(
        db.session.scalars(
            select(Case.sequence)
            .join(CaseReview, CaseReview.case_id == Case.id)
            .where(Case.audit_id == audit.id)
        )
    )


def progress_by_practice(form) -> list[tuple]:
    """(ODS code, practice name, cases entered, submitted at) for every practice with an audit."""
    return db.session.execute(
        select(Practice.ods_code, Practice.name, func.count(Case.id), CaseAudit.submitted_at)
        .join(CaseAudit, CaseAudit.practice_id == Practice.id)
        .outerjoin(Case, Case.audit_id == CaseAudit.id)
        .where(CaseAudit.form_id == form.id)
        .group_by(Practice.ods_code, Practice.name, CaseAudit.submitted_at)
        .order_by(Practice.ods_code)
    ).all()
