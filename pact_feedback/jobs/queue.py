"""Starting jobs: a JobRun row, then its steps on the RQ queue (or at once, without Redis)."""

from flask import current_app
from redis import Redis
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import update

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.jobs.files import discard_files
from pact_feedback.jobs.models import JobFile, JobRun
from pact_feedback.jobs.runner import run_step

RUN_STEP = "pact_feedback.jobs.runner.run_step"
# A step that raises is tried again at once up to this many times, then waits for "Retry".
AUTOMATIC_RETRIES = 2
KEEP_SECONDS = 7 * 24 * 3600  # how long RQ keeps a finished step's record
# Work nobody is waiting for (printing PDFs ahead) goes on a second queue, which a worker takes
# from only when the first is empty: a round's emails are never stuck behind its printing.
LATER = "-later"


def redis_connection() -> Redis | None:
    """One Redis client per app (it pools its own connections); None without a queue."""
    url = current_app.config.get("JOBS_REDIS_URL")
    if not url:
        return None
    if "pact_jobs_redis" not in current_app.extensions:
        current_app.extensions["pact_jobs_redis"] = Redis.from_url(url)
    return current_app.extensions["pact_jobs_redis"]


def queued() -> bool:
    """Whether jobs go to a queue (True) or run at once in this process."""
    return bool(current_app.config.get("JOBS_REDIS_URL"))


def job_queue(*, later: bool = False) -> Queue | None:
    """The queue (or with `later`, the one for work nobody waits for); None without Redis."""
    connection = redis_connection()
    if connection is None:
        return None
    name = current_app.config["JOBS_QUEUE"] + (LATER if later else "")
    return Queue(name, connection=connection)


def start(
    kind: str, description: str, *, by, steps, study=None, total: int = 0, later: bool = False
) -> JobRun:
    """Record a job and queue its `steps` ([(dotted function name, args), ...]); `later` puts
    them behind everything on the main queue.

    Each step is called as `function(run, *args)` inside an app context; it must be safe to run
    again (a retry, or a re-run after its worker was killed)."""
    run = JobRun(
        kind=kind,
        description=description,
        study_id=getattr(study, "id", None),
        created_by_id=getattr(by, "id", None),
        total=total,
        steps=[{"func": func, "args": list(args), "later": later} for func, args in steps],
    )
    if not steps:
        run.started_at = run.finished_at = utcnow()
    db.session.add(run)
    db.session.commit()
    _enqueue(run, range(len(steps)))
    return run


def _enqueue(run: JobRun, indexes) -> None:
    if not queued():
        for index in indexes:
            run_step(run.id, index, in_process=True)
        db.session.refresh(run)
        return
    steps = [dict(step) for step in run.steps]
    for index in indexes:
        job = job_queue(later=steps[index].get("later", False)).enqueue(
            RUN_STEP,
            run.id,
            index,
            retry=Retry(max=AUTOMATIC_RETRIES),
            job_timeout=current_app.config["JOBS_STEP_TIMEOUT"],
            result_ttl=KEEP_SECONDS,
            failure_ttl=KEEP_SECONDS,
            on_failure=Callback("pact_feedback.jobs.runner.step_failed"),
            description=f"{run.kind} #{run.id} step {index + 1}/{len(steps)}",
        )
        steps[index]["rq"] = job.id
    run.steps = steps  # a new list, so the JSON column is written
    db.session.commit()


def retry(run: JobRun) -> None:
    """Queue again the steps of a failed job that did not finish. Safe to repeat: steps skip
    what was already done (sent emails, stored reports)."""
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == run.id)
        .values(failed_at=None, last_error=None, finished_at=None)
    )
    db.session.commit()
    db.session.refresh(run)
    connection = redis_connection()
    if connection is None:
        _enqueue(run, range(len(run.steps)))
        return
    _enqueue(run, [i for i, step in enumerate(run.steps) if _needs_retry(step, connection)])


def _needs_retry(step: dict, connection: Redis) -> bool:
    try:
        status = Job.fetch(step["rq"], connection=connection).get_status()
    except (KeyError, NoSuchJobError):
        return True
    return status in {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def chunks(items: list, size: int | None = None) -> list[list]:
    """`items` in steps of JOBS_CHUNK, so several workers share a job and a killed one re-runs
    only its own chunk."""
    size = size or current_app.config["JOBS_CHUNK"]
    return [items[i : i + size] for i in range(0, len(items), size)]


def purge_expired_files() -> int:
    """Delete job files past their expiry (exports hold study data); how many."""
    return discard_files(JobFile.expires_at <= utcnow())
