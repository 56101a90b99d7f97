"""Access rows for record audits: a practice's audit is for its members (participants and the
lead of an enrolled practice), each seeing only their own practice's audit; the study team
sets up the form and reads the national tables, and never enters or reviews cases.

The world's study becomes a record audit; case 10 of the first practice (in the 10% second-
review sample) was entered by its lead, so only the participant may second-review it.
"""

from pact_feedback.casebook.actions import audit_for, save_case, set_up_audit
from tests.access_rows import TEAM_FORM, TEAM_PAGE, row

MEMBERS_PAGE = row(302, 200, 200, 200, 404)  # the other lead works on their own practice's audit
MEMBERS_FORM = row(302, 422, 422, 422, 404)  # an empty case is missing its required answers
OWN_CASE_PAGE = row(302, 200, 200, 404, 404)
OWN_CASE_FORM = row(302, 422, 422, 404, 404)
REVIEWER_PAGE = row(302, 200, 404, 404, 404)  # the lead entered case 10: no self-review
REVIEWER_FORM = row(302, 422, 404, 404, 404)


def extend_world(world):
    form = set_up_audit(world.study, by=world.users["team"])
    audit = audit_for(form, world.practice, create=True)
    save_case(audit, answers={"sex": "female"}, by=world.users["lead"], sequence=10)
    world.values.update(sequence=10, fmt="csv")


ROWS = {
    "casebook.audit": {"GET": MEMBERS_PAGE},
    "casebook.summary": {"GET": MEMBERS_PAGE},  # each member's own cases only
    "casebook.new_case": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "casebook.edit_case": {"GET": OWN_CASE_PAGE, "POST": OWN_CASE_FORM},
    "casebook.submit": {"POST": row(302, 302, 302, 302, 404)},
    "casebook.import_cases": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "casebook.review": {"GET": REVIEWER_PAGE, "POST": REVIEWER_FORM},
    "casebook.setup": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "casebook.assign_reviewer": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "casebook.edit_form": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "casebook.export_form": {"GET": TEAM_PAGE},
    "casebook.tables": {"GET": TEAM_PAGE},
    "casebook.download_tables": {"GET": TEAM_PAGE},
}
