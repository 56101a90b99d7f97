"""What the home page shows a person, built from the roles they hold."""

from dataclasses import dataclass, field

from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.core.access import is_global_study_team, is_study_team
from pact_feedback.extensions import db
from pact_feedback.studies.models import Study


@dataclass
class Dashboard:
    studies_managed: list = field(default_factory=list)
    can_manage_all: bool = False
    practices_led: list = field(default_factory=list)
    participations: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.studies_managed or self.can_manage_all or self.practices_led or self.participations
        )


def dashboard_for(user) -> Dashboard:
    board = Dashboard(can_manage_all=is_global_study_team(user))
    if board.can_manage_all or is_study_team(user):
        studies = db.session.scalars(select(Study).order_by(Study.created_at.desc())).all()
        board.studies_managed = [s for s in studies if is_study_team(user, s)]
    board.practices_led = sorted(
        (m.practice for m in user.memberships if m.role == PRACTICE_LEAD), key=lambda p: p.name
    )
    board.participations = [m for m in user.memberships if m.role == PARTICIPANT]
    return board
