"""What the home page shows a person, built from the roles they hold."""

from dataclasses import dataclass, field

from pact_feedback.accounts.access import is_global_study_team
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.studies.queries import studies_managed_by


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
    board.studies_managed = studies_managed_by(user)
    board.practices_led = sorted(
        (m.practice for m in user.memberships if m.role == PRACTICE_LEAD), key=lambda p: p.name
    )
    board.participations = [m for m in user.memberships if m.role == PARTICIPANT]
    return board
