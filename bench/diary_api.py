"""The diary API's side of the load benchmarks (`bench/load_diary.py`): a database with a
collecting study and participants holding tokens and open days, and a Python-thread client that
can retry each entry with its own client_id until it gets an answer.

    prepare_app(url, people_file)   migrate an empty database to every head, add the study,
                                    PEOPLE participants with tokens and open days; write one
                                    "token day_id" line each (what bench/diary_post.lua reads)
    drive(port, people, conns, ...) POST entries from `conns` keep-alive connections for a while

The client is plain `http.client` in threads so that it can do what wrk cannot: resend the very
same request (same client_id, same body) after a socket error or a 5xx, remember which
client_ids the server acknowledged, and hold a steady rate.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from statistics import quantiles

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PEOPLE = 400  # 400 tokens keep each one far below the API's 600 requests a minute
CATEGORIES = ["A2", "B1", "B2", "B3", "B4", "B5", "D4", "D5"]  # default taxonomy codes
# The app runs as in production behind a TLS proxy (PROXY_FIX_HOPS=1): the proxy says https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def empty_postgresql(url: str) -> None:
    """Drop everything in the database's public schema (a scratch load_* database only)."""
    import psycopg

    name = url.rsplit("/", 1)[-1]
    if not name.startswith(("load_", "test_")):
        raise RuntimeError(f"refusing to empty {name!r}: only scratch load_* or test_* databases")
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def prepare_app(url: str, people_file: Path, env: dict, people: int = PEOPLE) -> list[dict]:
    """Migrate (`flask db upgrade`, as `make serve-prod` does) and add a collecting study,
    `people` consented participants, each with a token and an open diary day."""
    if url.startswith("postgresql"):
        empty_postgresql(url)
    subprocess.run(  # noqa: S603  (our own command line)
        [str(BIN / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **env, "FLASK_APP": "pact_feedback:create_app", "DATABASE_URL": url},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sys.path.insert(0, str(ROOT))
    from pact_feedback import create_app
    from pact_feedback.accounts.models import Consent, Membership, User
    from pact_feedback.api.tokens import create_token
    from pact_feedback.diary.models import DiaryDay
    from pact_feedback.diary.taxonomy import ensure_taxonomy
    from pact_feedback.extensions import db as sa
    from pact_feedback.practices.models import Practice
    from pact_feedback.studies.models import Study

    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI=url,
        SECRET_KEY=env["SECRET_KEY"],
        SERVER_BASE_URL=env.get("SERVER_BASE_URL", "http://127.0.0.1"),
        RATELIMIT_STORAGE_URI="memory://",
    )
    out = []
    with app.app_context():
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
        for n in range(people):
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
            _, secret = create_token(user, "bench", by=user)  # commits
            out.append({"token": secret, "day": day.id})
        sa.session.remove()
        sa.engine.dispose()
    people_file.write_text("".join(f"{p['token']} {p['day']}\n" for p in out))
    return out


def entry_request(person: dict) -> tuple[str, str, str, dict]:
    """(client_id, path, body, headers) for one new entry of `person`."""
    client_id = str(uuid.uuid4())
    body = json.dumps(
        {
            "client_id": client_id,
            "category": random.choice(CATEGORIES),
            "minutes": random.randint(1, 5),
        }
    )
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {person['token']}",
        **PROXY_HEADERS,
    }
    return client_id, f"/api/v1/days/{person['day']}/entries", body, headers


def drive(
    port: int,
    people: list[dict],
    conns: int,
    duration: float,
    *,
    retry: bool = False,
    rate: float | None = None,
    events: list[tuple[float, Callable[[], None]]] = (),
    give_up_after: float = 120,
) -> dict:
    """POST entries from `conns` threads for `duration` seconds; a request under way when the
    time is up is still finished. `retry`: after a socket error or a 5xx, resend the same
    request (same client_id and body) until it is answered (or `give_up_after` seconds).
    `rate`: at most this many new entries a second in all. `events`: (seconds, callable) run
    from the calling thread during the run (a worker kill, memory samples)."""
    started = time.monotonic()
    stop_at = started + duration
    interval = conns / rate if rate else 0.0
    lock = threading.Lock()
    totals = {"latencies": [], "status": {}, "socket_errors": 0, "retries": 0, "gave_up": 0}
    acked: list[str] = []

    def worker(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, status, acks = [], {}, []
        errors = retries = gave_up = 0
        next_at = started + (interval * index / conns)
        while time.monotonic() < stop_at:
            if interval:
                pause = next_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_at += interval
            client_id, path, body, headers = entry_request(random.choice(people))
            began = time.perf_counter()
            attempt = 0
            while True:
                attempt += 1
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    code = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    errors += 1
                    code = None
                if code is not None:
                    status[code] = status.get(code, 0) + 1
                if code is not None and (code < 500 or not retry):
                    break
                if not retry:
                    break
                if time.perf_counter() - began > give_up_after:
                    gave_up += 1
                    break
                retries += 1
                time.sleep(min(0.05 * attempt, 1.0))
            if code is not None:
                latencies.append(time.perf_counter() - began)
                if code in (200, 201):
                    acks.append(client_id)
        conn.close()
        with lock:
            totals["latencies"].extend(latencies)
            for k, v in status.items():
                totals["status"][k] = totals["status"].get(k, 0) + v
            totals["socket_errors"] += errors
            totals["retries"] += retries
            totals["gave_up"] += gave_up
            acked.extend(acks)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for at, action in sorted(events, key=lambda e: e[0]):
        pause = started + at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        action()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    lat = totals["latencies"]
    p = quantiles(lat, n=100) if len(lat) > 2 else [0.0] * 99
    status = totals["status"]
    return {
        "requests": len(lat),
        "rps": round(len(lat) / elapsed, 1),
        "ok2xx": sum(v for k, v in status.items() if 200 <= k < 300),
        "non2xx": sum(v for k, v in status.items() if not 200 <= k < 300),
        "s5xx": sum(v for k, v in status.items() if k >= 500),
        "status": {str(k): v for k, v in sorted(status.items())},
        "p50_ms": round(p[49] * 1000, 1),
        "p99_ms": round(p[98] * 1000, 1),
        "socket_errors": totals["socket_errors"],
        "retries": totals["retries"],
        "gave_up": totals["gave_up"],
        "acked": acked,
        "seconds": round(elapsed, 1),
    }
