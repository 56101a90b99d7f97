"""Read-only queries about studies: participation counts, never individual content."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from pact_feedback.accounts.access import is_study_team
from pact_feedback.accounts.models import Consent, Invitation, Membership
from pact_feedback.accounts.roles import PARTICIPANT, STUDY_TEAM
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment, Study


def participation_counts(study: Study) -> dict[int, dict[str, int]]:
    """{practice_id: {"invited": n, "joined": n, "consented": n}} for every enrolled practice.

    Three grouped queries for the whole study, not one per practice.
    """
    counts = {e.practice_id: {"invited": 0, "joined": 0, "consented": 0} for e in study.enrolments}
    pending = db.session.execute(
        select(Invitation.practice_id, func.count())
        .where(
            Invitation.study_id == study.id,
            Invitation.role == PARTICIPANT,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at >= utcnow(),
        )
        .group_by(Invitation.practice_id)
    )
    joined = db.session.execute(
        select(Membership.practice_id, func.count())
        .where(Membership.study_id == study.id, Membership.role == PARTICIPANT)
        .group_by(Membership.practice_id)
    )
    consented = db.session.execute(
        select(Membership.practice_id, func.count(func.distinct(Consent.user_id)))
        .join(Consent, (Consent.user_id == Membership.user_id) & (Consent.study_id == study.id))
        .where(Membership.study_id == study.id, Membership.role == PARTICIPANT)
        .group_by(Membership.practice_id)
    )
    for key, rows in (("invited", pending), ("joined", joined), ("consented", consented)):
        for practice_id, n in rows:
            if practice_id in counts:
                counts[practice_id][key] = n
    return counts


def enrolments_with_practices(study: Study) -> list[Enrolment]:
    from sqlalchemy.orm import joinedload

    return db.session.scalars(
        select(Enrolment)
        .options(joinedload(Enrolment.practice))
        .join(Practice)
        .where(Enrolment.study_id == study.id)
        .order_by(Practice.name)
    ).all()


def studies_managed_by(user) -> list[Study]:
    """The studies `user` is on the study team of, newest first (every study for a member
    of the whole study team)."""
    if not is_study_team(user):
        return []
    studies = db.session.scalars(select(Study).order_by(Study.created_at.desc())).all()
    return [s for s in studies if is_study_team(user, s)]


def study_team_members() -> list[Membership]:
    return db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.user), joinedload(Membership.study))
        .where(Membership.role == STUDY_TEAM)
        .order_by(Membership.created_at)
    ).all()


def all_studies() -> list[Study]:
    return db.session.scalars(select(Study).order_by(Study.title)).all()
