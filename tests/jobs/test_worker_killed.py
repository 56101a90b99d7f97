"""A worker killed mid-job (SIGKILL, mid-SMTP-conversation): RQ queues its step again and
another worker finishes the job; every reader gets exactly one email."""

import os
import signal
import subprocess
import sys
import time

from rq.registry import StartedJobRegistry

from tests.jobs.smtp_sink import smtp_sink
from tests.jobs.test_worker import generated_round, job, release


def start_worker(settings: dict, log, *, burst: bool) -> subprocess.Popen:
    """`flask jobs worker` in its own process group (the worker and its forked work horse)."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in settings.items())
    command = [sys.executable, "-m", "flask", "--app"]
    command += [f'pact_feedback:create_app("testing", {arguments})', "jobs", "worker"]
    return subprocess.Popen(  # noqa: S603  (our own command line)
        command + (["--burst"] if burst else []),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_killed_worker_s_step_runs_again_and_each_reader_gets_one_email(
    ctx, another_app, redis_url, database_url, tmp_path
):
    with smtp_sink() as (sink, port), (tmp_path / "workers.log").open("w") as log:
        settings = dict(
            SQLALCHEMY_DATABASE_URI=database_url,
            JOBS_REDIS_URL=redis_url,
            JOBS_CHUNK=5,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
        )
        app = another_app(**settings)
        run_id, expected = release(app, generated_round())
        sink.hold = expected[7]  # the worker dies while this message is on the wire

        first = start_worker(settings, log, burst=False)
        assert sink.holding.wait(90), (tmp_path / "workers.log").read_text()
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(30)
        sink.release.set()  # the server answers a dead connection: that message is not taken
        assert expected[7] not in sink.recipients()

        # RQ queues a step again once its dead worker's heartbeat lapses (about 90 s, found by
        # any worker's maintenance); the same clean-up is run here with the clock moved on.
        with app.app_context():
            from pact_feedback.jobs.queue import job_queue

            StartedJobRegistry(queue=job_queue()).cleanup(timestamp=time.time() + 3600)
        second = start_worker(settings, log, burst=True)
        assert second.wait(120) == 0, (tmp_path / "workers.log").read_text()

    assert sink.recipients() == expected  # each reader once, the held one included
    assert len({message_id for _, message_id in sink.received}) == 12
    finished = job(app, run_id)
    assert (finished.status, finished.done, finished.errors) == ("finished", 12, 0)
