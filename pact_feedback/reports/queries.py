"""Read-only report queries."""

from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.diary.models import DiaryDay
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


def sharing_of(report: Report) -> Membership | None:
    """The participant's membership that carries their choice to share this report."""
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == report.user_id,
            Membership.study_id == report.study_id,
            Membership.practice_id == report.practice_id,
            Membership.role == PARTICIPANT,
        )
    )


def diary_dates(user_id: int, study_id: int) -> list:
    """The dates of the diary days a participant completed (what their report is made of)."""
    return list(
        db.session.scalars(
            select(DiaryDay.date)
            .where(
                DiaryDay.user_id == user_id,
                DiaryDay.study_id == study_id,
                DiaryDay.completed_at.is_not(None),
            )
            .order_by(DiaryDay.date)
        )
    )


def shared_with_practice(practice_id: int, study_id: int) -> list[tuple[Report, User, Membership]]:
    """Released private reports that their participants chose to share with the practice."""
    return db.session.execute(
        select(Report, User, Membership)
        .join(User, User.id == Report.user_id)
        .join(
            Membership,
            (Membership.user_id == Report.user_id)
            & (Membership.study_id == Report.study_id)
            & (Membership.practice_id == Report.practice_id)
            & (Membership.role == PARTICIPANT),
        )
        .where(
            Report.kind == "participant",
            Report.status == "released",
            Report.practice_id == practice_id,
            Report.study_id == study_id,
            Membership.shares_with_practice.is_(True),
        )
        .order_by(User.name, User.id)
    ).all()
