"""Reports: the study team's review and actions, a practice's report, a participant's sharing."""

from pact_feedback.extensions import db
from pact_feedback.reports.build import build_reports
from pact_feedback.reports.models import Report
from tests.access_rows import (
    OWN_PARTICIPATION_FORM,
    OWN_PARTICIPATION_PAGE,
    TEAM_FORM,
    TEAM_PAGE,
    row,
)

# A released practice report of the participant's practice: its lead and its participants read it.
PRACTICE_REPORT = row(302, 200, 200, 404, 200)

ROWS = {
    "reports.review": {"GET": TEAM_PAGE},
    "reports.generate": {"POST": row(302, 403, 403, 403, 302)},
    "reports.release": {"POST": row(302, 403, 403, 403, 302)},
    "reports.reissue": {"POST": TEAM_FORM},
    "reports.show": {"GET": PRACTICE_REPORT},
    "reports.download": {"GET": PRACTICE_REPORT},
    "reports.mine": {"GET": OWN_PARTICIPATION_PAGE, "POST": OWN_PARTICIPATION_FORM},
}


def extend_world(world):
    from tests.reports.test_build import _inputs

    payload = next(r for r in build_reports(_inputs()) if r["kind"] == "practice")["payload"]
    report = Report(
        study_id=world.study.id,
        kind="practice",
        practice_id=world.practice.id,
        payload=payload,
        method_version="test",
        status="released",
    )
    db.session.add(report)
    db.session.commit()
    world.values["report_id"] = report.id
