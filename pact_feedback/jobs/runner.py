"""What a worker runs: one step of a JobRun, in an app context, with its progress counted."""

import os

from flask import current_app, has_app_context
from sqlalchemy import update
from werkzeug.utils import import_string

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.jobs.models import JobRun

# Set by `flask jobs worker`: the app its work horses (forked per step) run in.
WORKER_APP = None
WORKER_PID = None


def _app():
    if WORKER_APP is not None:
        return WORKER_APP
    if has_app_context():
        return current_app._get_current_object()
    raise RuntimeError("run job steps with `flask jobs worker`, which gives them the app")


def run_step(run_id: int, index: int, *, in_process: bool = False) -> None:
    """Run step `index` of job `run_id`. Raises on failure so RQ can retry it (in-process, the
    failure is recorded on the job and the caller carries on)."""
    app = _app()
    with app.app_context():
        if WORKER_PID is not None and os.getpid() != WORKER_PID:
            # A forked work horse must not share the parent's database connections.
            db.engine.dispose(close=False)
        run = db.session.get(JobRun, run_id)
        if run is None:
            return  # the job's study was deleted
        _started(run_id)
        step = run.steps[index]
        try:
            import_string(step["func"])(run, *step["args"])
        except Exception as error:
            db.session.rollback()
            note_failure(run_id, error, final=in_process)
            if in_process:
                current_app.logger.exception("job %s step %s failed", run_id, index)
                return
            raise
        finish_if_complete(run_id)
        db.session.remove()


def _started(run_id: int) -> None:
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == run_id, JobRun.started_at.is_(None))
        .values(started_at=utcnow())
    )
    db.session.commit()


def advance(run_id: int, *, done: int = 0, errors: int = 0) -> None:
    """Count items as done or failed, in the caller's transaction (committed with its work)."""
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == run_id)
        .values(done=JobRun.done + done, errors=JobRun.errors + errors)
    )


def set_progress(run_id: int, *, done: int, total: int) -> None:
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(done=done, total=total))


def finish_if_complete(run_id: int) -> None:
    """The job is finished once every item is done or failed (whichever step gets there)."""
    db.session.execute(
        update(JobRun)
        .where(
            JobRun.id == run_id,
            JobRun.finished_at.is_(None),
            JobRun.done + JobRun.errors >= JobRun.total,
        )
        .values(finished_at=utcnow())
    )
    db.session.commit()


def note_failure(run_id: int, error: BaseException | str, *, final: bool) -> None:
    values = {"last_error": str(error)[:2000] or type(error).__name__}
    if final:
        values["failed_at"] = utcnow()
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(**values))
    db.session.commit()


def step_failed(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback (also for a step whose worker died): final when no retry is left."""
    run_id = job.args[0]
    final = not job.retries_left
    message = f"{exc_type.__name__}: {exc_value}" if exc_value else exc_type.__name__
    with _app().app_context():
        note_failure(run_id, message, final=final)
        db.session.remove()
