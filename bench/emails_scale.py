#!/usr/bin/env python3
"""Release notices at scale through the job queue: W `flask jobs worker` processes send one
email per reader to a local SMTP server (aiosmtpd on 127.0.0.1), optionally with one worker
SIGKILLed part-way through.

    .venv/bin/python bench/emails_scale.py [--readers 20000] [--workers 2] [--kill]
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<scratch> ... --db postgresql

Builds a migrated database (SQLite file in a temporary folder, or the scratch PostgreSQL
database BENCH_PG_URL, emptied first) with one released participant report per reader, queues
the notices with `reports.emails.notify_readers` on Redis (BENCH_REDIS_URL, default database
12, emptied first), starts the workers and times the job to its end. With --kill, worker 1 is
SIGKILLed after a third of the emails and its step is queued again by RQ's own clean-up of
abandoned steps (run with the clock moved on, as a live worker would find it ~90 s later).

Checks that every reader got exactly one message (by SMTP delivery and by Message-ID) and
prints one JSON line; docs/performance.md records the figures.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PG_URL = os.environ.get("BENCH_PG_URL")


def build(app, readers: int) -> int:
    """One study, readers/10 practices, one released participant report per reader."""
    from flask_migrate import upgrade

    from pact_feedback.accounts.models import User
    from pact_feedback.extensions import db
    from pact_feedback.practices.models import Practice
    from pact_feedback.reports.models import Report
    from pact_feedback.studies.models import Study

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as con:
                con.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        study = Study(slug="uk", title="Whole UK", status="reports_released")
        db.session.add(study)
        db.session.flush()
        practices = max(1, readers // 10)
        db.session.execute(
            insert(Practice),
            [
                {
                    "ods_code": f"B{i:05d}",
                    "name": f"Practice {i}",
                    "nation": "England",
                    "region": "London",
                    "list_size": 8000,
                    "pct_65_plus": 15.0,
                    "imd_score": 20.0,
                    "imd_decile": 5,
                    "data_date": date(2026, 4, 1),
                    "pct_rural": 10.0,
                }
                for i in range(practices)
            ],
        )
        db.session.execute(
            insert(User), [{"email": f"reader{i}@example.org", "name": ""} for i in range(readers)]
        )
        practice_ids = db.session.scalars(text("SELECT id FROM practices ORDER BY id")).all()
        user_ids = db.session.scalars(text("SELECT id FROM users ORDER BY id")).all()
        db.session.execute(
            insert(Report),
            [
                {
                    "study_id": study.id,
                    "kind": "participant",
                    "user_id": uid,
                    "practice_id": practice_ids[i % practices],
                    "version": 1,
                    "payload": {},
                    "method_version": "bench",
                    "status": "released",
                }
                for i, uid in enumerate(user_ids)
            ],
        )
        db.session.commit()
        return study.id


def start_worker(settings: dict, log) -> subprocess.Popen:
    arguments = ", ".join(f"{k}={v!r}" for k, v in settings.items())
    command = [sys.executable, "-m", "flask", "--app"]
    command += [f'pact_feedback:create_app("production", {arguments})', "jobs", "worker"]
    return subprocess.Popen(  # noqa: S603  (our own command line)
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--readers", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=200, help="emails a step (JOBS_CHUNK)")
    ap.add_argument("--kill", action="store_true", help="SIGKILL worker 1 a third of the way")
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = ap.parse_args()
    if args.db == "postgresql" and not PG_URL:
        raise SystemExit("--db postgresql needs BENCH_PG_URL: a scratch database it may empty")

    from redis import Redis
    from rq.registry import StartedJobRegistry

    from pact_feedback import create_app
    from pact_feedback.extensions import db
    from pact_feedback.jobs.models import JobRun
    from pact_feedback.jobs.queue import job_queue
    from pact_feedback.reports.emails import notify_readers
    from pact_feedback.studies.models import Study
    from tests.jobs.smtp_sink import smtp_sink

    tmp = Path(tempfile.mkdtemp(prefix="bench-emails-"))
    url = PG_URL if args.db == "postgresql" else f"sqlite:///{tmp / 'bench.sqlite3'}"
    Redis.from_url(REDIS_URL).flushdb()
    with smtp_sink() as (sink, port), (tmp / "workers.log").open("w") as log:
        settings = dict(
            SECRET_KEY=secrets.token_urlsafe(32),
            SQLALCHEMY_DATABASE_URI=url,
            JOBS_REDIS_URL=REDIS_URL,
            JOBS_CHUNK=args.chunk,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            SERVER_BASE_URL="https://pact.example",
        )
        app = create_app("production", **settings)
        study_id = build(app, args.readers)
        workers = [start_worker(settings, log) for _ in range(args.workers)]
        with app.app_context():
            started = time.perf_counter()
            run = notify_readers(db.session.get(Study, study_id), by=None)
            queued = time.perf_counter() - started
            killed = False
            while True:
                db.session.commit()
                run = db.session.get(JobRun, run.id)
                db.session.refresh(run)
                if run.finished_at or run.failed_at:
                    break
                if args.kill and not killed and run.done >= args.readers // 3:
                    os.killpg(workers[0].pid, signal.SIGKILL)
                    workers[0].wait()
                    killed = True
                    StartedJobRegistry(queue=job_queue()).cleanup(timestamp=time.time() + 3600)
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
        for worker in workers[killed:]:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
        per_reader = Counter(r for r, _ in sink.received)
        ids = Counter(m for _, m in sink.received)
    expected = {f"reader{i}@example.org" for i in range(args.readers)}
    result = {
        "readers": args.readers,
        "workers": args.workers,
        "chunk": args.chunk,
        "db": args.db,
        "killed_a_worker": killed,
        "queue_seconds": round(queued, 3),
        "seconds": round(elapsed, 2),
        "messages_per_second": round(len(sink.received) / elapsed, 1),
        "delivered": len(sink.received),
        "missing": len(expected - set(per_reader)),
        "readers_with_more_than_one": sum(n > 1 for n in per_reader.values()),
        "message_ids_repeated": sum(n > 1 for n in ids.values()),
        "job": {"status": run.status, "done": run.done, "errors": run.errors},
    }
    print(json.dumps(result))
    exact = not result["missing"] and not result["readers_with_more_than_one"]
    return 0 if exact and run.status == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
