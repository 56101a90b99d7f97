"""Read-only account queries."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.extensions import db
from pact_feedback.studies.models import Study


def study_team_members() -> list[Membership]:
    return db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.user), joinedload(Membership.study))
        .where(Membership.role == STUDY_TEAM)
        .order_by(Membership.created_at)
    ).all()


def all_studies() -> list[Study]:
    return db.session.scalars(select(Study).order_by(Study.title)).all()
