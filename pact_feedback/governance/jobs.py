"""The analysis export as a job: built by a worker, kept for a week, downloaded from the job's
page by the study team."""

import tempfile
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import update

from pact_feedback.accounts.models import User
from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.governance.export import ExportOptions, count_rows, write_export
from pact_feedback.jobs.files import store_file
from pact_feedback.jobs.models import JobRun
from pact_feedback.jobs.queue import start
from pact_feedback.jobs.runner import set_progress
from pact_feedback.studies.models import Study

EXPORT = "pact_feedback.governance.jobs.export_step"
KEEP = timedelta(days=7)
PROGRESS_EVERY = 5000  # rows between progress writes


def start_export(study, options: ExportOptions, *, by) -> JobRun:
    return start(
        "analysis_export",
        f"Building the {study.title} analysis export",
        by=by,
        study=study,
        steps=[(EXPORT, (study.id, asdict(options), getattr(by, "id", None)))],
    )


def export_step(run, study_id: int, options: dict, by_id: int | None) -> None:
    """A job step: the export as a JobFile (replacing one from an earlier attempt), audited."""
    study = db.session.get(Study, study_id)
    options = ExportOptions(**options)
    total, done = count_rows(study), 0
    set_progress(run.id, done=0, total=total)
    commit()

    def progress(rows: int) -> None:
        nonlocal done
        done += rows
        if done % PROGRESS_EVERY < rows or done == total:  # a separate short transaction
            with db.engine.begin() as connection:
                connection.execute(update(JobRun).where(JobRun.id == run.id).values(done=done))

    # Built in a temporary file (the rows stream through in bounded memory), then stored from
    # it a chunk at a time (docs/performance.md).
    with tempfile.TemporaryFile(prefix="pact-export-") as out:
        rows = write_export(study, options, out, progress=progress)
        out.seek(0)
        store_file(
            run.id,
            name=f"{study.slug}-export.zip",
            media_type="application/zip",
            source=out,
            expires_at=utcnow() + KEEP,
        )
    by = db.session.get(User, by_id) if by_id else None
    real_dates = not options.shift_dates  # the audited opt-out (docs/governance.md)
    record(
        "analysis_exported",
        by=by,
        obj=study,
        rows=rows,
        via="job",
        real_dates=real_dates,
        **asdict(options),
    )
    set_progress(run.id, done=total, total=total)
    run.result = {"message": f"The export is ready: {sum(rows.values())} rows."}
    commit()
