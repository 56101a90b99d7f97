"""Access rows for data governance: a participant withdraws or erases only their own data;
the study team manages participants, downloads exports and the audit log as CSV."""

from tests.access_rows import (
    OWN_PARTICIPATION_FORM,
    OWN_PARTICIPATION_PAGE,
    TEAM_FORM,
    TEAM_PAGE,
    row,
)

TEAM_ACTION = row(302, 403, 403, 403, 302)


def extend_world(world):
    membership = world.users["participant"].memberships[0]
    world.values["membership_id"] = membership.id


ROWS = {
    # An empty withdrawal is valid (the button is the confirmation); erasing needs the tick.
    "governance.withdraw": {"GET": OWN_PARTICIPATION_PAGE, "POST": row(302, 302, 404, 404, 404)},
    "governance.erase": {"GET": OWN_PARTICIPATION_PAGE, "POST": OWN_PARTICIPATION_FORM},
    "governance.participants": {"GET": TEAM_PAGE},
    "governance.team_withdraw": {"GET": TEAM_PAGE, "POST": TEAM_ACTION},
    "governance.team_erase": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "governance.information_sheet": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "governance.retention": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    # Built as a job, then a redirect to its file (in-process) or its progress page (queue).
    "governance.export": {"GET": TEAM_PAGE, "POST": row(302, 403, 403, 403, 302)},
    "audit.export_csv": {"GET": TEAM_PAGE},
}
