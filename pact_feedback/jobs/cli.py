"""`flask jobs ...`: the worker, a retry, and the progress bar of commands that start jobs."""

import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

from pact_feedback.extensions import db
from pact_feedback.jobs import queue, runner
from pact_feedback.jobs.models import JobRun

jobs_cli = AppGroup("jobs", help="The job queue: run a worker, retry a failed job.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs)")
@click.option(
    "--maintenance-interval",
    default=60,
    show_default=True,
    help="Seconds between looks for steps whose worker died; they are queued again",
)
def worker_command(burst, maintenance_interval):
    """Run steps from the queues, each in a forked work horse, until stopped (SIGTERM: warm).
    The second queue (`JOBS_QUEUE`-later: printing PDFs ahead) only when the first is empty."""
    from rq import Worker

    connection = queue.redis_connection()
    if connection is None:
        raise click.UsageError(
            "JOBS_REDIS_URL is not set, so jobs run in the process that starts them: "
            "no worker is needed. Set it (e.g. redis://127.0.0.1:6379/1) to use a queue."
        )
    runner.WORKER_APP, runner.WORKER_PID = current_app._get_current_object(), os.getpid()
    db.session.remove()
    db.engine.dispose()  # hold no database connection across the fork of each step
    worker = Worker(
        [queue.job_queue(), queue.job_queue(later=True)],  # in this order of priority
        connection=connection,
        maintenance_interval=maintenance_interval,
    )
    worker.work(burst=burst, logging_level="WARNING")


@jobs_cli.command("retry")
@click.argument("run_id", type=int)
def retry_command(run_id):
    """Queue again the unfinished steps of a failed job; nothing already sent is sent twice."""
    run = db.session.get(JobRun, run_id)
    if run is None or run.status != "failed":
        raise click.UsageError(f"Job {run_id} has not failed, so there is nothing to retry")
    queue.retry(run)
    follow(run, run.description)


def follow(run: JobRun, label: str, *, poll_seconds: float = 0.5) -> JobRun:
    """Show a job's progress as a bar until it finishes or fails; the job, refreshed."""
    with click.progressbar(length=max(run.total, 1), label=label, show_pos=True) as bar:
        while True:
            db.session.refresh(run)
            bar.length = max(run.total, 1)
            bar.update(run.done + run.errors - bar.pos)
            if run.status in {"finished", "failed"}:
                break
            db.session.commit()  # end the read, so the next one sees the workers' commits
            time.sleep(poll_seconds)
    if run.status == "failed":
        raise click.ClickException(
            f"Job {run.id} stopped: {run.last_error}. Retry it: flask jobs retry {run.id}"
        )
    return run
