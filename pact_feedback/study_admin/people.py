"""Removing a person's role (leavers, locums, a lead who hands over).

The person is signed out everywhere and their API tokens are revoked; what they did stays (diary
days, survey answers, the audit trail). A study-team or practice-lead role is deleted. A
participant's role is kept as a withdrawal, because it ties their past diary to their practice:
no new days, and erasure stays a separate, explicit step (governance).
"""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, ROLE_LABELS, STUDY_TEAM
from pact_feedback.accounts.sessions import end_all_sessions
from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import atomic
from pact_feedback.extensions import db
from pact_feedback.models import ApiToken
from pact_feedback.participation.actions import withdraw


class RemovalRefused(Exception):
    """The role cannot be removed; the message says why."""


@dataclass
class Removal:
    sessions_ended: int
    tokens_revoked: int
    handed_to: str | None


def describe(membership: Membership) -> str:
    """What removing `membership` does, in one paragraph."""
    role = ROLE_LABELS[membership.role].lower()
    where = (f" at {membership.practice.name}" if membership.practice is not None else "") + (
        f" in {membership.study.display_name}" if membership.study is not None else ""
    )
    kept = (
        "Their diary stays with their practice's results: they are withdrawn (no new days), "
        "not erased."
        if membership.role == PARTICIPANT
        else "What they did stays: answers they saved, invitations they sent, the audit log."
    )
    return (
        f"{membership.user.email} stops being {role}{where or ' for every study'}. They are "
        f"signed out everywhere and their API tokens stop working. {kept}"
    )


def _check(membership: Membership, hand_to: str | None) -> None:
    if hand_to and membership.role != PRACTICE_LEAD:
        raise RemovalRefused("Only a practice lead's role can be handed to someone else.")
    if membership.role == STUDY_TEAM and membership.study_id is None:
        others = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.role == STUDY_TEAM,
                Membership.study_id.is_(None),
                Membership.id != membership.id,
            )
        )
        if not others:
            raise RemovalRefused(
                "This is the last study-team member for every study: add another first."
            )


def remove_role(membership: Membership, *, by, hand_to: str | None = None) -> Removal:
    """Remove the role, sign the person out, revoke their tokens; optionally invite `hand_to`
    as the practice's new lead. One audited transaction (the invitation email follows it)."""
    _check(membership, hand_to)
    with atomic():  # the withdrawal, the removal and the new lead's invitation, or none
        return _remove(membership, by=by, hand_to=hand_to)


def _remove(membership: Membership, *, by, hand_to: str | None) -> Removal:
    user, practice, study = membership.user, membership.practice, membership.study
    details = {
        "role": membership.role,
        "practice_id": membership.practice_id,
        "study_id": membership.study_id,
    }
    if membership.role == PARTICIPANT:
        withdraw(membership, by=by)
    else:
        db.session.delete(membership)
    sessions = end_all_sessions(user)
    tokens = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    record(
        "role_removed",
        by=by,
        obj=user,
        subject=user.email,
        sessions_ended=sessions,
        tokens_revoked=tokens,
        handed_to=hand_to,
        **details,
    )
    if hand_to:
        invite(email=hand_to, role=PRACTICE_LEAD, practice=practice, study=study, by=by)
    return Removal(sessions, tokens, hand_to)


def study_people(study) -> dict[str, list[Membership]]:
    """The roles the study team of `study` can remove: its own team, the leads of its
    practices, its participants."""
    enrolled = [e.practice_id for e in study.enrolments]
    rows = db.session.scalars(
        select(Membership)
        .where(
            ((Membership.role == STUDY_TEAM) & (Membership.study_id == study.id))
            | ((Membership.role == STUDY_TEAM) & Membership.study_id.is_(None))
            | ((Membership.role == PRACTICE_LEAD) & Membership.practice_id.in_(enrolled))
            | ((Membership.role == PARTICIPANT) & (Membership.study_id == study.id))
        )
        .order_by(Membership.role, Membership.practice_id, Membership.id)
    ).all()
    people: dict[str, list[Membership]] = {STUDY_TEAM: [], PRACTICE_LEAD: [], PARTICIPANT: []}
    for membership in rows:
        people[membership.role].append(membership)
    return people
