"""Read-only record-audit queries."""

from sqlalchemy import and_, func, or_, select

from pact_feedback.accounts.access import led_practice_ids
from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.casebook.models import Case, CaseAudit, CaseReview, CaseReviewer
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
    """(practice id, ODS code, name, cases entered, submitted at) for every enrolled practice,
    begun or not (0 cases, None)."""
    return db.session.execute(
        select(
            Practice.id,
            Practice.ods_code,
            Practice.name,
            func.count(Case.id),
            CaseAudit.submitted_at,
        )
        .join(Enrolment, Enrolment.practice_id == Practice.id)
        .outerjoin(
            CaseAudit,
            and_(CaseAudit.practice_id == Practice.id, CaseAudit.form_id == form.id),
        )
        .outerjoin(Case, Case.audit_id == CaseAudit.id)
        .where(Enrolment.study_id == form.study_id)
        .group_by(Practice.id, Practice.ods_code, Practice.name, CaseAudit.submitted_at)
        .order_by(Practice.ods_code)
    ).all()


def assignment_for(form, practice_id: int) -> CaseReviewer | None:
    """The study team's choice of second reviewer for a practice, if it made one."""
    return db.session.scalar(
        select(CaseReviewer).filter_by(form_id=form.id, practice_id=practice_id)
    )


def eligible_reviewers(study, practice) -> list[User]:
    """Who may be assigned to review `practice`'s sample: its participants in `study` and its
    leads (the people who work on its audit), by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.practice_id == practice.id,
                or_(
                    and_(Membership.role == PARTICIPANT, Membership.study_id == study.id),
                    Membership.role == PRACTICE_LEAD,
                ),
            )
            .distinct()
            .order_by(User.name, User.id)
        )
    )


def reviewers_by_practice(form) -> dict[int, User | None]:
    """Practice id -> assigned reviewer (None: assigned, but their account is gone)."""
    rows = db.session.execute(
        select(CaseReviewer.practice_id, User)
        .outerjoin(User, User.id == CaseReviewer.reviewer_id)
        .where(CaseReviewer.form_id == form.id)
    ).all()
    return dict(rows)


def enrolled_practice(study, ods_code: str) -> Practice | None:
    return db.session.scalar(
        select(Practice)
        .join(Enrolment, Enrolment.practice_id == Practice.id)
        .where(Enrolment.study_id == study.id, Practice.ods_code == ods_code)
    )
