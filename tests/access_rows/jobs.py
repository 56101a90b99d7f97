"""Jobs: only the study team of a job's study sees its progress or retries it."""

import io
from datetime import timedelta

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.jobs.files import store_file
from pact_feedback.jobs.models import JobRun
from tests.access_rows import row

TEAM_ONLY_HIDDEN = row(302, 404, 404, 404, 200)

ROWS = {
    "jobs.show": {"GET": TEAM_ONLY_HIDDEN},
    "jobs.status": {"GET": TEAM_ONLY_HIDDEN},
    # A finished job is not retried: the team is sent back to its page.
    "jobs.retry": {"POST": row(302, 404, 404, 404, 302)},
    "jobs.download": {"GET": TEAM_ONLY_HIDDEN},
}


def extend_world(world):
    run = JobRun(kind="release_emails", description="Emailing readers", study_id=world.study.id)
    db.session.add(run)
    db.session.flush()
    store_file(
        run.id,
        name="export.zip",
        media_type="application/zip",
        source=io.BytesIO(b"PK"),
        expires_at=utcnow() + timedelta(days=1),
    )
    db.session.commit()
    world.values["run_id"] = run.id
