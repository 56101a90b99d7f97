"""Lead coverage: for each enrolled practice, whether a practice lead joined, was invited, or
neither. Invitations and reminders name every practice they skip with these words."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pact_feedback.accounts.models import Invitation, Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys import queries as survey_queries

STATES = {
    "joined": "Lead joined",
    "invited": "Lead invited",
    "expired": "Invitation expired",
    "none": "No lead",
}


@dataclass
class LeadCoverage:
    """One enrolled practice: state is joined, invited, expired or none."""

    practice: Practice
    state: str
    since: datetime | None = None  # when the lead joined, or was last invited
    leads: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.state == "joined":
            return f"lead joined {self.since:%-d %B %Y}"
        if self.state == "invited":
            return f"lead invited {self.since:%-d %B %Y}, not yet joined"
        if self.state == "expired":
            return f"lead invitation of {self.since:%-d %B %Y} expired unused"
        return "no lead invited"


def lead_coverage(study, *, only_sent: bool = False) -> list[LeadCoverage]:
    """Every enrolled practice (or only those sent a report) with its lead state, by name."""
    query = select(Practice).join(Enrolment).where(Enrolment.study_id == study.id)
    if only_sent:
        query = query.where(Enrolment.practice_id.in_(survey_queries.sent_practice_ids(study.id)))
    practices = db.session.scalars(query.order_by(Practice.name)).all()
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
    rows = []
    for practice in practices:
        if practice.id in joined:
            people = joined[practice.id]
            rows.append(LeadCoverage(practice, "joined", people[0][1], tuple(e for e, _ in people)))
        elif practice.id in invited:
            invitation = invited[practice.id]
            state = "invited" if invitation.expires_at >= now else "expired"
            rows.append(LeadCoverage(practice, state, invitation.created_at, (invitation.email,)))
        else:
            rows.append(LeadCoverage(practice, "none"))
    return rows
