"""A job's progress page in a real browser: it updates itself as the job moves on, with axe."""

import re

from playwright.sync_api import expect
from sqlalchemy import select, update

from pact_feedback.extensions import db
from pact_feedback.jobs.models import JobRun
from pact_feedback.studies.models import Study
from tests.browser.conftest import TEAM

PILOT = "hidden-workload-pilot"


def _set(live_server, run_id, **values):
    with live_server.app.app_context():
        db.session.execute(update(JobRun).where(JobRun.id == run_id).values(**values))
        db.session.commit()
        db.session.remove()


def test_progress_page_updates_without_a_reload(live_server, signed_in_page, axe_check):
    """A running job's page counts up and says when it has finished, with no navigation."""
    from pact_feedback.core.time import utcnow

    with live_server.app.app_context():
        study = db.session.scalar(select(Study).filter_by(slug=PILOT))
        run = JobRun(
            kind="release_emails",
            description="Emailing the readers (browser test)",
            study_id=study.id,
            total=40,
            done=3,
            started_at=utcnow(),
        )
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        db.session.remove()

    page = signed_in_page(TEAM)
    page.goto(f"/jobs/{run_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Emailing the readers (browser test)")
    expect(page.get_by_text("In progress")).to_be_visible()
    axe_check(page)
    page.evaluate("window.notReloaded = true")

    _set(live_server, run_id, done=25, errors=1)
    expect(page.locator("[data-field='done']")).to_have_text("25", timeout=10_000)
    expect(page.locator("[data-field='errors']")).to_have_text("1")
    _set(live_server, run_id, done=39, finished_at=utcnow())
    expect(page.locator("[data-field='status']")).to_have_text("Finished", timeout=10_000)
    expect(page.get_by_role("status")).to_have_text(re.compile("Finished"))
    assert page.evaluate("window.notReloaded") is True
    axe_check(page)
