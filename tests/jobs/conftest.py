"""Jobs on a real queue: RQ on the test Redis (database 12 unless TEST_JOBS_REDIS_URL says
otherwise, emptied around each test), with an app built on the suite's database."""

import os

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

from pact_feedback.extensions import db
from pact_feedback.jobs.queue import job_queue

REDIS_URL = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def redis_url():
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError:
        if os.environ.get("CI") or os.environ.get("TEST_JOBS_REDIS_URL"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (start redis-server, or set TEST_JOBS_REDIS_URL)")
    connection.flushdb()  # only the test database named above
    yield REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture
def queued_app(another_app, redis_url):
    """The app with a queue: starting a job only queues it. Steps of 5 items."""
    return another_app(JOBS_REDIS_URL=redis_url, JOBS_CHUNK=5)


def work_in_process(app, *, everything: bool = False) -> None:
    """A real RQ worker (without forking) in this process, until the queue is empty; with
    `everything`, the later queue too (printing PDFs ahead), as `flask jobs worker` does."""
    with app.app_context():
        queue = job_queue()
        queues = [queue, job_queue(later=True)] if everything else [queue]
        worker = SimpleWorker(queues, connection=queue.connection)
        # A timer, not SIGALRM, for the step time limit: pytest-timeout owns SIGALRM here.
        worker.death_penalty_class = TimerDeathPenalty
        worker.work(burst=True)
        db.session.remove()
