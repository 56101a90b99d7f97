"""Access rows for running a study: settings, stage changes and removing people (study team)."""

from tests.access_rows import TEAM_FORM, TEAM_PAGE, row


def extend_world(world):
    world.values.update(to="collecting")


ROWS = {
    "study_admin.edit_settings": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    # An empty post (no stage named) goes back to the confirmation page with a message.
    "study_admin.change_stage": {"GET": TEAM_PAGE, "POST": row(302, 403, 403, 403, 302)},
}
