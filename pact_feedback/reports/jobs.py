"""Report work that outgrows a request, as jobs: generating a round's reports."""

from pact_feedback.accounts.models import User
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.jobs.queue import start
from pact_feedback.jobs.runner import note_failure, set_progress
from pact_feedback.reports import actions
from pact_feedback.studies.models import Study

GENERATE = "pact_feedback.reports.jobs.generate_step"


def start_generation(study, *, by):
    """Queue the generation of the study's draft reports; the JobRun that does it."""
    return start(
        "generate_reports",
        f"Generating the {study.title} reports",
        by=by,
        study=study,
        steps=[(GENERATE, (study.id, getattr(by, "id", None)))],
    )


def generate_step(run, study_id: int, by_id: int | None) -> None:
    """A job step: `actions.generate`, its outcome written on the job for its page."""
    study = db.session.get(Study, study_id)
    by = db.session.get(User, by_id) if by_id else None
    try:
        stored = actions.generate(study, by=by)
    except actions.ReportError as refusal:
        note_failure(run.id, refusal, final=True)
        return
    set_progress(run.id, done=stored.total, total=stored.total)
    run.result = {
        "message": f"Generated {stored.described('draft')}. Review them, then release.",
        "next": {
            "endpoint": "reports.review",
            "values": {"slug": study.slug},
            "text": "Review the reports",
        },
    }
    commit()
