"""Whether each practice has a lead: joined, invited (when), invitation expired, or none."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pact_feedback.accounts.models import Invitation, Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice

STATES = {
    "joined": "Lead joined",
    "invited": "Lead invited",
    "expired": "Invitation expired",
    "none": "No lead",
}


@dataclass
class LeadCoverage:
    """One practice: state is joined, invited, expired or none."""

    practice: Practice
    state: str
    since: datetime | None = None  # when the first lead joined, or the latest invitation
    leads: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.state == "joined":
            return f"lead joined {self.since:%-d %B %Y}"
        if self.state == "invited":
            return f"lead invited {self.since:%-d %B %Y}, not yet joined"
        if self.state == "expired":
            return f"lead invitation of {self.since:%-d %B %Y} expired unused"
        return "no lead invited"


def lead_states(practices: list[Practice]) -> dict[int, LeadCoverage]:
    """{practice id: LeadCoverage} in two queries for the whole list."""
    ids = [p.id for p in practices]
    joined: dict[int, list] = {}
    for practice_id, email, at in db.session.execute(
        select(Membership.practice_id, User.email, Membership.created_at)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.role == PRACTICE_LEAD,
            Membership.practice_id.in_(ids),
            User.active.is_(True),
        )
        .order_by(Membership.created_at)
    ):
        joined.setdefault(practice_id, []).append((email, at))
    invited: dict[int, Invitation] = {}
    for invitation in db.session.scalars(
        select(Invitation)
        .where(
            Invitation.role == PRACTICE_LEAD,
            Invitation.practice_id.in_(ids),
            Invitation.accepted_at.is_(None),
        )
        .order_by(Invitation.created_at)
    ):
        invited[invitation.practice_id] = invitation  # the latest wins
    now = utcnow()
    states = {}
    for practice in practices:
        if practice.id in joined:
            people = joined[practice.id]
            states[practice.id] = LeadCoverage(
                practice, "joined", people[0][1], tuple(e for e, _ in people)
            )
        elif practice.id in invited:
            invitation = invited[practice.id]
            state = "invited" if invitation.expires_at >= now else "expired"
            states[practice.id] = LeadCoverage(
                practice, state, invitation.created_at, (invitation.email,)
            )
        else:
            states[practice.id] = LeadCoverage(practice, "none")
    return states
