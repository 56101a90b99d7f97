"""Access rows for running a study: settings, stage changes and removing people (study team)."""

from tests.access_rows import TEAM_FORM, TEAM_PAGE, row


def extend_world(world):
    from sqlalchemy import select

    from pact_feedback.accounts.models import Membership
    from pact_feedback.extensions import db

    lead = db.session.scalar(
        select(Membership).filter_by(user_id=world.users["lead"].id, role="practice_lead")
    )
    # governance's rows name a participant's membership_id: removing that role works the same.
    world.values.setdefault("membership_id", lead.id)
    world.values.update(to="collecting", lead_membership_id=lead.id)


ROWS = {
    "study_admin.edit_settings": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    # An empty post (no stage named) goes back to the confirmation page with a message.
    "study_admin.change_stage": {"GET": TEAM_PAGE, "POST": row(302, 403, 403, 403, 302)},
    "study_admin.people": {"GET": TEAM_PAGE},
    # An empty post removes the lead's role (no hand-over) and goes back to the people page.
    "study_admin.remove_person": {"GET": TEAM_PAGE, "POST": row(302, 403, 403, 403, 302)},
}
