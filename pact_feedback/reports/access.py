"""Who may read which report. One function, so every page, download and email link agrees."""

from sqlalchemy import select

from pact_feedback.accounts.access import is_study_team, leads_practice
from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.extensions import db
from pact_feedback.reports.models import Report


def _participant_memberships(user, study_id: int):
    return [m for m in user.memberships if m.role == PARTICIPANT and m.study_id == study_id]


def can_read(user, report: Report) -> bool:
    """The study team previews any report of its study, drafts included.

    A released practice report is for its practice: its leads and its participants in that study.
    A released participant report is private to its participant, and readable by their practice
    lead only while the participant has opted in to share it.
    """
    if not user or not user.is_authenticated:
        return False
    if is_study_team(user, report.study):
        return True
    if report.status != "released":
        return False
    if report.kind == "practice":
        return leads_practice(user, report.practice) or any(
            m.practice_id == report.practice_id
            for m in _participant_memberships(user, report.study_id)
        )
    if report.user_id == user.id:
        return True
    return leads_practice(user, report.practice) and _shared_by_owner(report)


def _shared_by_owner(report: Report) -> bool:
    return bool(
        db.session.scalar(
            select(Membership.shares_with_practice).where(
                Membership.user_id == report.user_id,
                Membership.study_id == report.study_id,
                Membership.role == PARTICIPANT,
            )
        )
    )
