"""Read-only report queries."""

from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.extensions import db
from pact_feedback.reports.models import Report


def released_reports(study) -> list[Report]:
    return db.session.scalars(
        select(Report).where(Report.study_id == study.id, Report.status == "released")
    ).all()


def reports_for_review(study) -> list[Report]:
    """The current generation (drafts, or what is released), practice reports first."""
    return db.session.scalars(
        select(Report)
        .where(Report.study_id == study.id, Report.status.in_(("draft", "released")))
        .order_by(Report.kind.desc(), Report.practice_id, Report.user_id)
    ).all()


def lead_emails(practice_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .join(Membership)
            .where(Membership.role == PRACTICE_LEAD, Membership.practice_id == practice_id)
        )
    )


def released_for_practice(practice_id: int) -> list[Report]:
    return db.session.scalars(
        select(Report).where(
            Report.practice_id == practice_id,
            Report.kind == "practice",
            Report.status == "released",
        )
    ).all()


def released_for_participant(user_id: int, study_id: int) -> Report | None:
    return db.session.scalar(
        select(Report).where(
            Report.user_id == user_id, Report.study_id == study_id, Report.status == "released"
        )
    )


def released_practice_report(practice_id: int, study_id: int) -> Report | None:
    return db.session.scalar(
        select(Report).where(
            Report.practice_id == practice_id,
            Report.study_id == study_id,
            Report.kind == "practice",
            Report.status == "released",
        )
    )
