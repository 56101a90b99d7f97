"""Production-like gunicorn settings (used by `make serve-prod`).

Two sync workers (one process per core) on the 2-core reference machine, chosen by measurement:
`bench/load_diary.py --scenarios post --app-configs 2x1,3x1,2x4` POSTs diary entries through the
real API on SQLite and PostgreSQL beside a bare baseline (figures in docs/performance.md, "Load,
faults and soak"). With today's write path (prebuilt SQL statements) 2 workers x 4 threads
answered no more requests than 2 sync workers (0.6-1.3x, within the noise) and its p99 was
1.1-3.4x worse; a third sync worker was no better beyond the noise. Python runs one thread at a
time per process, so threads only pay where requests wait, and a diary write mostly computes; on
SQLite each thread is also one more writer queueing for the lock. (Before the write path was
trimmed, at 13 ORM queries an entry, 2x4 had been 1.4-1.6x ahead: the measurement is worth
repeating when the request mix changes.) Each worker holds its own copy of the app (~155 MiB)
and its own SQLAlchemy pool; sessions and throttling live in the database (and Redis for rate
limits), so workers and hosts are interchangeable. GUNICORN_THREADS > 1 switches to gthread
workers.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # >1: gunicorn uses gthread workers
timeout = 30
graceful_timeout = 20
# Recycle workers now and then: bounded memory over weeks of uptime. 0 turns it off (the soak in
# bench/load_diary.py does, to watch one worker's memory for the whole run).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10  # so that workers are not all recycled at once
# Build the app once in the master and fork workers from it: a recycled worker is serving again
# in milliseconds instead of re-importing the app (about 2 s of CPU that the other worker's
# requests would wait behind on 2 cores), and the workers share the imported code's memory.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "": none
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
raw_env = ["PACT_ENV=production"]


def when_ready(server):
    """In the master, once the app is built and before any worker is forked: finish the work
    every worker would otherwise redo on its first request (configuring the ORM's mappers,
    ~130 ms, which a recycled worker's first caller would wait for)."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def pre_fork(server, worker):
    """Right before each fork, move everything the master has built into the garbage
    collector's permanent generation (Python's gc.freeze advice for fork without exec): the
    workers' collections no longer walk the app's ~150 MiB of long-lived objects, and the
    pages holding them stay shared instead of being copied on a collector's write."""
    gc.freeze()


def post_fork(server, worker):
    """A forked worker must not use the master's database connections (SQLAlchemy: "Using
    Connection Pools with Multiprocessing"): drop them, without closing the master's, so that
    each worker opens its own. Redis clients notice the fork by themselves."""
    from pact_feedback.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
