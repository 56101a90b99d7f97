"""Read-only QI queries, and who may use which project."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.extensions import db
from pact_feedback.qi.models import QIMeasure, QIProject
from pact_feedback.reports.models import Report

MEMBER_ROLES = (PRACTICE_LEAD, PARTICIPANT)


def is_practice_member(user, practice_id: int) -> bool:
    """A lead or participant of the practice: the people who see its QI projects."""
    if not user or not user.is_authenticated:
        return False
    return any(m.practice_id == practice_id and m.role in MEMBER_ROLES for m in user.memberships)


def member_practices(user) -> list:
    """Practices whose QI projects `user` may see, by name."""
    seen = {m.practice_id: m.practice for m in user.memberships if m.role in MEMBER_ROLES}
    return sorted(seen.values(), key=lambda p: p.name)


def can_use(user, project: QIProject) -> bool:
    """A private project is its owner's alone; a practice project is its members'.

    The study team has no access to either: QI projects are the practice's own work.
    """
    if not user or not user.is_authenticated:
        return False
    if project.is_private:
        return project.owner_id == user.id
    return is_practice_member(user, project.practice_id)


def _listing():
    return (
        select(QIProject)
        .options(selectinload(QIProject.cycles))
        .order_by(QIProject.updated_at.desc(), QIProject.id.desc())
    )


def practice_projects(practice_id: int) -> list[QIProject]:
    return db.session.scalars(_listing().where(QIProject.practice_id == practice_id)).all()


def private_projects(user_id: int) -> list[QIProject]:
    return db.session.scalars(_listing().where(QIProject.owner_id == user_id)).all()


def project_with_details(project_id: int) -> QIProject | None:
    return db.session.scalar(
        select(QIProject)
        .where(QIProject.id == project_id)
        .options(
            selectinload(QIProject.measures).selectinload(QIMeasure.values),
            selectinload(QIProject.cycles),
        )
    )


def practice_report(report_id: int, practice_id: int) -> Report | None:
    """A released practice report of this practice, or None."""
    return db.session.scalar(
        select(Report).where(
            Report.id == report_id,
            Report.kind == "practice",
            Report.status == "released",
            Report.practice_id == practice_id,
        )
    )


def participant_report(report_id: int, user_id: int) -> Report | None:
    """A released participant report of this person, or None."""
    return db.session.scalar(
        select(Report).where(
            Report.id == report_id,
            Report.kind == "participant",
            Report.status == "released",
            Report.user_id == user_id,
        )
    )
