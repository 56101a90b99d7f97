"""Access rows for quality improvement: a practice project is for that practice's leads and
participants (never the study team, never another practice); a private project is its owner's.

The matrix's URL values name the first practice's project, its measure, value and cycle; the
private-project cases (every other role gets 404) are in `tests/qi/test_access.py`.
"""

from datetime import date

from pact_feedback.extensions import db
from pact_feedback.qi.models import PDSACycle, QIMeasure, QIMeasureValue, QIProject
from tests.access_rows import SIGNED_IN_ONLY, row

MEMBERS_PAGE = row(302, 200, 200, 404, 404)
MEMBERS_FORM = row(302, 422, 422, 404, 404)  # an empty submission is invalid
MEMBERS_ACTION = row(302, 302, 302, 404, 404)


def extend_world(world):
    project = QIProject(
        practice_id=world.practice.id, title="Letters", aim_what="Fewer letters for GPs"
    )
    measure = QIMeasure(project=project, kind="outcome", name="Minutes on letters", unit="minutes")
    value = QIMeasureValue(measure=measure, measured_on=date(2026, 1, 5), value=40)
    cycle = PDSACycle(project=project, number=1, objective="Redirect", prediction="Less")
    db.session.add_all([project, measure, value, cycle])
    db.session.commit()
    world.values.update(
        qi_id=project.id, qi_measure_id=measure.id, qi_value_id=value.id, qi_cycle_id=cycle.id
    )


ROWS = {
    "qi.practice_projects": {"GET": MEMBERS_PAGE},
    "qi.new_practice_project": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "qi.mine": {"GET": SIGNED_IN_ONLY},
    "qi.new_private_project": {"GET": SIGNED_IN_ONLY, "POST": row(302, 422, 422, 422, 422)},
    "qi.project": {"GET": MEMBERS_PAGE},
    # WTForms keeps the project's own values for fields missing from a POST: nothing changes.
    "qi.edit_project": {"GET": MEMBERS_PAGE, "POST": MEMBERS_ACTION},
    "qi.new_measure": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "qi.edit_measure": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "qi.values": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "qi.delete_value": {"POST": MEMBERS_ACTION},
    "qi.new_cycle": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "qi.edit_cycle": {"GET": MEMBERS_PAGE, "POST": MEMBERS_FORM},
    "qi.export_pdf": {"GET": MEMBERS_PAGE},
    "qi.export_markdown": {"GET": MEMBERS_PAGE},
}
