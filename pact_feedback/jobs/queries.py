"""Read-only job queries."""

from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.jobs.models import JobFile, JobRun


def latest_run(study, kind: str) -> JobRun | None:
    """The most recent job of `kind` for `study`."""
    return db.session.scalar(
        select(JobRun)
        .where(JobRun.study_id == study.id, JobRun.kind == kind)
        .order_by(JobRun.id.desc())
        .limit(1)
    )


def progress(run: JobRun) -> dict:
    """What the progress page shows, as JSON for its script."""
    return {
        "id": run.id,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "errors": run.errors,
        "finished": run.finished_at is not None,
        "last_error": run.last_error,
    }


def job_file(run: JobRun) -> JobFile | None:
    """The file the job made, if any (its bytes are read by `jobs.files.read_chunks`)."""
    return db.session.scalar(select(JobFile).where(JobFile.job_run_id == run.id))
