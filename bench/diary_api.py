#!/usr/bin/env python3
"""POST diary entries through the real JSON API (bearer token, validation, audit row) beside
the bare baseline of ../shared/bench in the same run, at 16 and 64 concurrent connections.

    .venv/bin/python bench/diary_api.py [--duration 10] [--conns 16,64] [--kill-worker]

Each target runs under gunicorn (2 sync workers, as in production) on a fresh SQLite file.
The app gets 200 consented participants, each with a token and an open diary day; every request
picks one at random and sends a new client_id (UUID), 1-5 minutes, so no request is refused by
the diary's own rules. The client is Python threads with keep-alive connections (no wrk needed);
it is the same client for both targets, so only the ratio matters. Checks: zero 5xx, and rows
added = 2xx answers (no lost or duplicated writes), also when a worker is SIGKILLed mid-run.
Prints a table and one JSON line.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from statistics import quantiles

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
BIN = Path(sys.executable).parent
PEOPLE = 200
CATEGORIES = ["A2", "B1", "B2", "B3", "B4", "B5", "D4", "D5"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_app(db: Path) -> list[dict]:
    """Migrate, then add a collecting study, participants with tokens and open days."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from pact_feedback import create_app
    from pact_feedback.accounts.models import Consent, Membership, User
    from pact_feedback.api.tokens import create_token
    from pact_feedback.diary.models import DiaryDay
    from pact_feedback.diary.taxonomy import ensure_taxonomy
    from pact_feedback.extensions import db as sa
    from pact_feedback.practices.models import Practice
    from pact_feedback.studies.models import Study

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db}")
    people = []
    with app.app_context():
        upgrade(revision="heads")
        practice = Practice(
            ods_code="B00001",
            name="Bench Surgery",
            nation="England",
            region="London",
            list_size=9000,
            pct_65_plus=15,
            imd_score=20,
            imd_decile=5,
            pct_rural=5,
            data_date=date(2026, 4, 1),
        )
        study = Study(
            slug="bench",
            title="Bench",
            status="collecting",
            collection_start=date.today() - timedelta(days=27),
            collection_end=date.today(),
        )
        sa.session.add_all([practice, study])
        sa.session.flush()
        ensure_taxonomy(study)
        for n in range(PEOPLE):
            user = User(email=f"bench{n}@example.org", password_hash="x")  # noqa: S106  (never signs in)
            sa.session.add(user)
            sa.session.flush()
            sa.session.add(
                Membership(
                    user_id=user.id,
                    role="participant",
                    practice_id=practice.id,
                    study_id=study.id,
                    staff_role="salaried_gp",
                )
            )
            sa.session.add(Consent(user_id=user.id, study_id=study.id, pis_version="1.0"))
            day = DiaryDay(
                study_id=study.id,
                user_id=user.id,
                practice_id=practice.id,
                date=date.today() - timedelta(days=n % 28),
                staff_role="salaried_gp",
            )
            sa.session.add(day)
            sa.session.flush()
            _, secret = create_token(user, "bench", by=user)
            people.append({"token": secret, "day": day.id})
        sa.session.commit()
        sa.session.remove()
        sa.engine.dispose()
    return people


def start(cmd: list[str], env: dict, cwd: Path, port: int, ready: str) -> subprocess.Popen:
    """Start a server and wait until a worker answers `ready` (gunicorn binds before workers
    have imported the app, so an open port is not enough)."""
    proc = subprocess.Popen(  # noqa: S603  (our own command line)
        cmd,
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", ready)
            if conn.getresponse().status < 500:
                conn.close()
                for _ in range(8):  # every worker imports the app before the clock starts
                    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    warm.request("GET", ready)
                    warm.getresponse().read()
                    warm.close()
                return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start: {cmd}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def workers_of(proc: subprocess.Popen) -> list[int]:
    kids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                stat = Path(f"/proc/{p}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == proc.pid:
                    kids.append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def drive(port: int, make_request, conns: int, duration: float, kill=None) -> dict:
    stop_at = time.monotonic() + duration
    latencies, statuses, errors = [], {}, [0]
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, seen = [], {}
        while time.monotonic() < stop_at:
            path, body, headers = make_request()
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    errors[0] += 1
                continue
            mine.append(time.perf_counter() - began)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for k, v in seen.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    if kill:
        time.sleep(duration / 2)
        kill()
    for t in threads:
        t.join()
    ok = sum(v for k, v in statuses.items() if 200 <= k < 300)
    p = quantiles(latencies, n=100) if len(latencies) > 2 else [0] * 99
    return {
        "requests": len(latencies),
        "ok2xx": ok,
        "rps": round(len(latencies) / duration),
        "p50_ms": round(p[49] * 1000, 1),
        "p99_ms": round(p[98] * 1000, 1),
        "status": statuses,
        "socket_errors": errors[0],
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--conns", default="16,64")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument(
        "--sync",
        choices=["NORMAL", "FULL"],
        help="Run the app with WAL, this synchronous level, busy timeout and BEGIN IMMEDIATE "
        "(bench/diary_app_pragmas.py)",
    )
    parser.add_argument(
        "--wal",
        action="store_true",
        help="Put the app's SQLite file in WAL mode first (journal_mode persists in the file; "
        "synchronous stays the app's default, FULL)",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    results, failed = [], False

    for conns in [int(c) for c in args.conns.split(",")]:
        # Baseline: the bare Flask + SQLite app of ../shared/bench.
        base_db = tmp / f"baseline-{conns}.sqlite3"
        env = {"BENCH_DB": str(base_db), "BENCH_SYNC": "NORMAL"}
        subprocess.run(
            [sys.executable, "baseline_app.py", "init"],
            cwd=SHARED,
            env={**os.environ, **env},
            check=True,
        )
        port = free_port()
        proc = start(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "baseline_app:app"],
            env,
            SHARED,
            port,
            "/ping",
        )

        def baseline_request():
            body = json.dumps(
                {
                    "participant_id": f"p{random.randint(1, 5000)}",
                    "date": "2026-03-02",
                    "category": "c1",
                    "minutes": random.randint(1, 120),
                }
            )
            return "/entries", body, {"Content-Type": "application/json"}

        base = drive(port, baseline_request, conns, args.duration)
        stop(proc)
        base_rows = sqlite3.connect(base_db).execute("SELECT count(*) FROM entries").fetchone()[0]
        base.update(target="baseline", conns=conns, rows=base_rows)
        results.append(base)

        # The app: real API, real auth, validation and audit.
        app_db = tmp / f"app-{conns}.sqlite3"
        people = prepare_app(app_db)
        if args.wal:
            with sqlite3.connect(app_db) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
        port = free_port()
        factory = (
            f"pact_feedback:create_app('testing', SQLALCHEMY_DATABASE_URI='sqlite:///{app_db}')"
        )
        if args.sync:
            factory = f"bench.diary_app_pragmas:app_with(db_path='{app_db}', sync='{args.sync}')"
        proc = start(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", factory],
            {"PACT_ENV": "testing"},
            ROOT,
            port,
            "/healthz",
        )

        def app_request(people=people):
            person = random.choice(people)
            body = json.dumps(
                {
                    "client_id": str(uuid.uuid4()),
                    "category": random.choice(CATEGORIES),
                    "minutes": random.randint(1, 5),
                }
            )
            return (
                f"/api/v1/days/{person['day']}/entries",
                body,
                {"Content-Type": "application/json", "Authorization": f"Bearer {person['token']}"},
            )

        kill = None
        if args.kill_worker:

            def kill(proc=proc):
                victims = workers_of(proc)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)

        app = drive(port, app_request, conns, args.duration, kill)
        stop(proc)
        app_rows = (
            sqlite3.connect(app_db).execute("SELECT count(*) FROM diary_entries").fetchone()[0]
        )
        app.update(
            target="app",
            conns=conns,
            rows=app_rows,
            killed_worker=args.kill_worker,
            sqlite=args.sync or ("WAL" if args.wal else "default"),
        )
        app["throughput_ratio"] = round(app["rps"] / max(base["rps"], 1), 2)
        app["p99_ratio"] = round(app["p99_ms"] / max(base["p99_ms"], 0.1), 2)
        results.append(app)
        failed |= app["5xx"] > 0 or app_rows != app["ok2xx"] or base_rows != base["ok2xx"]

    print(
        f"{'target':10} {'conns':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'2xx':>7} "
        f"{'rows':>7} {'5xx':>5} ratio"
    )
    for r in results:
        ratio = (
            f"{r.get('throughput_ratio', '')} / p99 {r.get('p99_ratio', '')}"
            if r["target"] == "app"
            else ""
        )
        print(
            f"{r['target']:10} {r['conns']:>5} {r['rps']:>7} {r['p50_ms']:>7} {r['p99_ms']:>7} "
            f"{r['ok2xx']:>7} {r['rows']:>7} {r['5xx']:>5} {ratio}"
        )
    print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
