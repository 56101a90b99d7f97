#!/usr/bin/env python3
"""The diary API under load, under faults and over a soak, on SQLite and PostgreSQL, beside the
bare baseline of ../shared/bench (its `load.py` harness: Server, BASELINES sync-2, count_rows,
verdict) in the same run. Loopback only; every scenario is bounded and stops by itself.

    .venv/bin/python bench/load_diary.py                    # post, kill and soak (make bench-load)
    .venv/bin/python bench/load_diary.py --scenarios post --rounds 3
    .venv/bin/python bench/load_diary.py --scenarios post --app-configs 2x1,3x1,2x4
    .venv/bin/python bench/load_diary.py --scenarios soak --soak-seconds 60 --dbs postgresql

The app runs as `make serve-prod` runs it: gunicorn with `gunicorn.conf.py`, PACT_ENV=production
with a generated SECRET_KEY, rate-limit counters in Redis (RATELIMIT_STORAGE_URI, database 14 by
default) and PROXY_FIX_HOPS=1, every request saying `X-Forwarded-Proto: https` as the TLS proxy
would. SQLite: a fresh file each run. PostgreSQL: the scratch database LOAD_PG_URL (default
load_test), emptied and migrated with `flask db upgrade` each run. Each app gets 400
consented participants with a token and an open day (bench/diary_api.py).

post  wrk (bench/diary_post.lua) POSTs entries at each of --conns, one token and day at random
      per request, a fresh UUID client_id each: the baseline's sync-2 first, then the app on
      each database. req/s and p99 beside the baseline's (ratios), 2xx, non-2xx, 5xx, socket
      errors, rows added against 2xx answers (load.verdict) and duplicate client_ids.
      `--rounds N` interleaves N rounds and reports medians, then every round's own ratios;
      `--app-configs WxT,...` runs the app with W workers x T threads each (the measurement
      behind gunicorn.conf.py's choice); `WxT+KEY=VALUE` or `+KEY=VALUE` adds a setting to
      that app's environment (e.g. `+SQLITE_SYNC_AFTER_UNLOCK=0`, SQLite's own FULL).
      `--durable-baseline` also runs the same baseline with `PRAGMA synchronous=FULL`
      (sync-2-full: every commit waits for its fsync, as the app's do) and gives each app's
      ratio against it too.
kill  the Python-thread client (diary_api.drive) retries every entry with the same client_id
      and body after a socket error or 5xx until it is answered; one gunicorn worker is
      SIGKILLed half-way. Checks: every acknowledged client_id stored exactly once, no
      duplicates, and PRAGMA integrity_check = ok on SQLite.
soak  --soak-seconds (300) at --soak-rate entries/s from --soak-conns connections, with
      max_requests off (GUNICORN_MAX_REQUESTS=0) so each worker lives the whole run; VmRSS of
      every worker at boot, after a warm-up (the start), every 30 s and at the end. Fails when a
      worker grows more than --soak-growth (20%) from start to end. A worker that disappears
      (recycled or crashed) is reported by pid.

Prints a table per scenario and writes all figures as JSON to bench/results/ (or --json-out).
Exits 1 on any lost write, duplicate, 5xx, socket error (outside the kill), integrity failure
or memory growth beyond the limit. Figures from a shared 2-core machine drift by +-15% between
runs: compare only within one run.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from diary_api import PROXY_HEADERS, ROOT, drive, prepare_app

# ../shared/bench beside the checkout, or beside a parent folder (a git worktree under /work/wt).
SHARED = next(
    (up / "shared" / "bench" for up in ROOT.parents if (up / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)
sys.path.insert(0, str(SHARED))
import load  # noqa: E402  (../shared/bench/load.py: the yardstick, imported, never copied)

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("LOAD_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/load_test")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
BASELINE = "sync-2"
DURABLE_BASELINE = "sync-2-full"  # the same server, each commit fsynced (as the app commits)


@dataclass
class App:
    """The app on one database, with gunicorn.conf.py's workers x threads unless given."""

    db: str  # "sqlite" or "postgresql"
    workers: int | None = None
    threads: int | None = None
    max_requests: int | None = None
    settings: tuple[tuple[str, str], ...] = ()  # more environment, e.g. SQLITE_SYNCHRONOUS

    @property
    def name(self) -> str:
        name = f"app-{self.db}"
        if self.workers is not None:
            name += f"-{self.workers}x{self.threads}"
        return name + "".join(f"+{key}={value}" for key, value in self.settings)

    @classmethod
    def configured(cls, db: str, config: str) -> "App":
        """`WxT`, `WxT+KEY=VALUE...` or `+KEY=VALUE...` (gunicorn.conf.py's workers)."""
        size, *settings = config.split("+")
        workers, threads = (int(n) for n in size.split("x")) if size else (None, None)
        pairs = tuple(tuple(setting.split("=", 1)) for setting in settings)
        return cls(db, workers, threads, settings=pairs)


class AppServer:
    """Prepare the database, then start the app under gunicorn with gunicorn.conf.py through
    load.Server (its own session, so exactly its process group is ended afterwards)."""

    def __init__(self, app: App):
        self.app = app
        self.tmp = Path(tempfile.mkdtemp(prefix="load-diary-"))
        self.port = load.free_port()
        self.url = PG_URL if app.db == "postgresql" else f"sqlite:///{self.tmp / 'app.sqlite3'}"
        self.people_file = self.tmp / "people.txt"

    def __enter__(self):
        env = {
            "PACT_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SERVER_BASE_URL": "http://127.0.0.1",  # required in production; trusts this host
            "DATABASE_URL": self.url,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "PROXY_FIX_HOPS": "1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
        }
        if self.app.workers is not None:
            env["GUNICORN_WORKERS"] = str(self.app.workers)
            env["GUNICORN_THREADS"] = str(self.app.threads)
        if self.app.max_requests is not None:
            env["GUNICORN_MAX_REQUESTS"] = str(self.app.max_requests)
        env.update(self.app.settings)
        flush_redis()
        self.people = prepare_app(self.url, self.people_file, env)
        spec = {
            "name": self.app.name,
            "cmd": f"{BIN / 'gunicorn'} -c gunicorn.conf.py 'pact_feedback:create_app()'",
            "env": env,
            "_cwd": str(ROOT),
            "_port": self.port,
        }
        self.server = load.Server(spec, self.sub).__enter__()
        warm_up(self.port, "/healthz", PROXY_HEADERS)
        return self

    def sub(self, text: str) -> str:
        return text.replace("{tmp}", str(self.tmp)).replace("{port}", str(self.port))

    def workers(self) -> list[int]:
        return sorted(load.children(self.server.proc.pid))

    def scalar(self, sql: str):
        if self.app.db == "sqlite":
            con = sqlite3.connect(self.tmp / "app.sqlite3", timeout=30)
            try:
                return con.execute(sql).fetchone()[0]
            finally:
                con.close()
        import psycopg

        with psycopg.connect(self.url.replace("+psycopg", "")) as con:
            return con.execute(sql).fetchone()[0]

    def rows(self) -> int:
        if self.app.db == "sqlite":  # the harness's own counter where it fits
            return load.count_rows(
                {"count": f"sqlite:{self.tmp / 'app.sqlite3'}:diary_entries"}, str
            )
        return self.scalar("SELECT count(*) FROM diary_entries")

    def duplicates(self) -> int:
        """Rows beyond one per client_id (client_ids are random UUIDs, so any repeat is a
        duplicated write, whatever the day)."""
        return self.scalar("SELECT count(*) - count(DISTINCT client_id) FROM diary_entries")

    def client_ids(self) -> list[str]:
        if self.app.db == "sqlite":
            con = sqlite3.connect(self.tmp / "app.sqlite3", timeout=30)
            try:
                return [r[0] for r in con.execute("SELECT client_id FROM diary_entries")]
            finally:
                con.close()
        import psycopg

        with psycopg.connect(self.url.replace("+psycopg", "")) as con:
            return [r[0] for r in con.execute("SELECT client_id FROM diary_entries")]

    def integrity(self) -> str:
        if self.app.db != "sqlite":
            return "n/a"
        return self.scalar("PRAGMA integrity_check")

    def __exit__(self, *exc):
        self.server.__exit__(*exc)
        if exc[0] is not None:  # keep the server's log for the post-mortem
            kept = HERE / "results" / f"{self.app.name}-{datetime.now(UTC):%H%M%S}-server.log"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(self.tmp / "server.log", kept)
            print(f"server log kept: {kept}", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)


def flush_redis() -> None:
    """Start each app with empty rate-limit counters (its own Redis database)."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def get_status(port: int, path: str, headers: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def warm_up(port: int, path: str, headers: dict | None = None, requests: int = 32) -> None:
    """Wait until the server answers 200 on `path`, then give every worker time to import the
    app (gunicorn binds before its workers have loaded it) and send a few requests."""
    for _ in range(600):
        try:
            if get_status(port, path, headers) == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    else:
        raise RuntimeError(f"no 200 from {path} on port {port}")
    time.sleep(2.0)
    for _ in range(requests):
        get_status(port, path, headers)


def wrk_json(cmd: list[str], env: dict) -> dict:
    out = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)  # noqa: S603
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[8:])
    raise RuntimeError("wrk failed: " + out.stdout + out.stderr)


def run_diary_wrk(port: int, people_file: Path, conns: int, duration: int) -> dict:
    """load.run_wrk for the app: the same wrk settings, bench/diary_post.lua as the script."""
    cmd = [
        "wrk",
        f"-t{min(2, conns)}",
        f"-c{conns}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "diary_post.lua"),
        f"http://127.0.0.1:{port}/api/v1/",
    ]
    headers = "|".join(f"{k}: {v}" for k, v in PROXY_HEADERS.items())
    return wrk_json(cmd, {"DIARY_PEOPLE": str(people_file), "DIARY_HEADERS": headers})


# --- post -------------------------------------------------------------------------------------


def post_baseline(conns_list: list[int], duration: int, durable: bool = False) -> list[dict]:
    """load.py's sync-2 baseline (bare Flask + SQLite, 2 sync workers), its post.lua; durable:
    the same with `PRAGMA synchronous=FULL` (load.py's BENCH_SYNC)."""
    spec = dict(next(b for b in load.BASELINES if b["name"] == BASELINE))
    name = DURABLE_BASELINE if durable else BASELINE
    spec["env"] = {**spec["env"], "BENCH_SYNC": "FULL" if durable else "NORMAL"}
    tmp = tempfile.mkdtemp(prefix="load-baseline-")
    port = load.free_port()
    spec.update(_cwd=str(SHARED), _port=port)
    values = {"port": str(port), "db": os.path.join(tmp, "db.sqlite"), "tmp": tmp}

    def sub(text):
        for k, v in values.items():
            text = text.replace("{" + k + "}", v)
        return text

    out = []
    with load.Server(spec, sub):
        warm_up(port, "/ping")
        for conns in conns_list:
            before = load.count_rows(spec, sub)
            r = load.run_wrk(
                f"http://127.0.0.1:{port}/entries",
                conns,
                duration,
                {"BENCH_HEADERS": "", "BENCH_METHOD": "POST", "BENCH_PATH": "/entries"},
            )
            time.sleep(1.0)  # requests in flight at wrk's cut-off finish
            r.update(target=name, conns=conns, rows=load.count_rows(spec, sub) - before)
            r["s5xx"] = None  # post.lua does not split non-2xx answers
            out.append(r)
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def post_app(app: App, conns_list: list[int], duration: int) -> list[dict]:
    out = []
    with AppServer(app) as srv:
        for conns in conns_list:
            before = srv.rows()
            r = run_diary_wrk(srv.port, srv.people_file, conns, duration)
            time.sleep(1.0)
            r.update(target=app.name, conns=conns, rows=srv.rows() - before)
            out.append(r)
        dups = srv.duplicates()
        for r in out:
            r["dups"] = dups  # for the whole server run
    return out


def summarise_post(runs: list[dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for r in runs:
        groups.setdefault((r["target"], r["conns"]), []).append(r)
    table = []
    for (target, conns), rs in groups.items():
        row = {
            "target": target,
            "conns": conns,
            "rounds": len(rs),
            "rps": statistics.median(x["responses"] / (x["duration_us"] / 1e6) for x in rs),
            "p50_ms": statistics.median(x["p50_us"] for x in rs) / 1000,
            "p99_ms": statistics.median(x["p99_us"] for x in rs) / 1000,
            "ok2xx": sum(x["ok2xx"] for x in rs),
            "non2xx": sum(x["non2xx"] for x in rs),
            "s5xx": None if rs[0]["s5xx"] is None else sum(x["s5xx"] for x in rs),
            "sock_err": sum(x["sock_err"] + x["timeouts"] for x in rs),
            "rows": sum(x["rows"] for x in rs),
            "dups": None if "dups" not in rs[0] else max(x["dups"] for x in rs),
        }
        row["check"] = load.verdict(row)
        table.append(row)
    base = {r["conns"]: r for r in table if r["target"] == BASELINE}
    durable = {r["conns"]: r for r in table if r["target"] == DURABLE_BASELINE}
    for r in table:
        b, d = base.get(r["conns"]), durable.get(r["conns"])
        r["ratio"] = round(r["rps"] / b["rps"], 2) if b else None
        r["p99_ratio"] = round(r["p99_ms"] / b["p99_ms"], 2) if b and b["p99_ms"] else None
        r["ratio_durable"] = round(r["rps"] / d["rps"], 2) if d else None
    return table


def post_rounds(runs: list[dict]) -> list[dict]:
    """Every round's own figures: each app run against the baselines of its own round (a
    round starts at the baseline's first run), since the baseline moves between rounds."""
    rows, base, rnd = [], {}, 0
    for r in runs:
        rps = r["responses"] / (r["duration_us"] / 1e6)
        if r["target"] == BASELINE and r["conns"] == runs[0]["conns"]:
            rnd, base = rnd + 1, {}
        if r["target"] in (BASELINE, DURABLE_BASELINE):
            base[r["target"], r["conns"]] = (rps, r["p99_us"])
        b = base.get((BASELINE, r["conns"]))
        d = base.get((DURABLE_BASELINE, r["conns"]))
        rows.append(
            {
                "round": rnd,
                "target": r["target"],
                "conns": r["conns"],
                "rps": round(rps),
                "ratio": round(rps / b[0], 2) if b else None,
                "ratio_durable": round(rps / d[0], 2) if d else None,
                "p99_ms": round(r["p99_us"] / 1000, 1),
                "p99_ratio": round(r["p99_us"] / b[1], 2) if b and b[1] else None,
            }
        )
    return rows


def print_rounds(rows: list[dict]) -> None:
    print("\nEvery round (ratios against the baselines of the same round)")
    print(
        f"{'round':>5}  {'target':<22}{'conns':>5}{'req/s':>8}{'ratio':>7}{'vs FULL':>8}"
        f"{'p99 ms':>8}{'p99 x':>7}"
    )
    for r in rows:
        cells = [r["ratio"], r["ratio_durable"], r["p99_ms"], r["p99_ratio"]]
        ratio, durable, p99, p99x = ("-" if v is None else v for v in cells)
        print(
            f"{r['round']:>5}  {r['target']:<22}{r['conns']:>5}{r['rps']:>8}{ratio:>7}"
            f"{durable:>8}{p99:>8}{p99x:>7}"
        )


def post_failures(table: list[dict]) -> list[str]:
    bad = []
    for r in table:
        where = f"post {r['target']} c={r['conns']}"
        if r["check"].startswith("LOST"):
            bad.append(f"{where}: {r['check']}")
        if r["sock_err"]:
            bad.append(f"{where}: {r['sock_err']} socket errors/timeouts")
        if r["target"] not in (BASELINE, DURABLE_BASELINE):
            if r["s5xx"]:
                bad.append(f"{where}: {r['s5xx']} 5xx")
            if r["non2xx"]:
                bad.append(f"{where}: {r['non2xx']} non-2xx answers")
            if r["dups"]:
                bad.append(f"{where}: {r['dups']} duplicate client_ids")
    return bad


def print_post(table: list[dict]) -> None:
    hdr = (
        f"{'target':<22}{'conns':>5}{'req/s':>8}{'ratio':>7}{'vs FULL':>8}{'p50 ms':>8}"
        f"{'p99 ms':>8}{'p99 x':>7}{'2xx':>8}{'non2xx':>7}{'5xx':>5}{'sockerr':>8}{'rows':>8}"
        f"{'dups':>5}  check"
    )
    print("\nPOST diary entries (wrk), medians of rounds; ratios against the baseline " + BASELINE)
    print(hdr)
    print("-" * len(hdr))

    def show(v, fmt=""):
        return "-" if v is None else format(v, fmt)

    for r in table:
        print(
            f"{r['target']:<22}{r['conns']:>5}{r['rps']:>8.0f}{show(r['ratio']):>7}"
            f"{show(r['ratio_durable']):>8}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}"
            f"{show(r['p99_ratio']):>7}{r['ok2xx']:>8}"
            f"{r['non2xx']:>7}{show(r['s5xx']):>5}{r['sock_err']:>8}{r['rows']:>8}"
            f"{show(r['dups']):>5}  {r['check']}"
        )


# --- kill -------------------------------------------------------------------------------------


def kill_run(app: App, conns: int, seconds: float) -> dict:
    with AppServer(app) as srv:
        killed = []

        def kill():
            victims = srv.workers()
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                killed.append(victims[0])

        before = srv.workers()
        r = drive(srv.port, srv.people, conns, seconds, retry=True, events=[(seconds / 2, kill)])
        time.sleep(1.0)
        acked = r.pop("acked")
        stored = srv.client_ids()
        stored_set = set(stored)
        r.update(
            target=app.name,
            conns=conns,
            workers_before=before,
            killed=killed,
            workers_after=srv.workers(),
            acked=len(acked),
            acked_distinct=len(set(acked)),
            rows=len(stored),
            lost=len(set(acked) - stored_set),
            dups=len(stored) - len(stored_set),
            unacked_rows=len(stored_set - set(acked)),
            integrity=srv.integrity(),
        )
    return r


def kill_failures(rows: list[dict]) -> list[str]:
    bad = []
    for r in rows:
        where = f"kill {r['target']}"
        if not r["killed"]:
            bad.append(f"{where}: no worker was killed")
        if r["lost"]:
            bad.append(f"{where}: {r['lost']} acknowledged entries not stored")
        if r["dups"]:
            bad.append(f"{where}: {r['dups']} duplicated client_ids")
        if len(r["workers_after"]) != len(r["workers_before"]):
            bad.append(f"{where}: the killed worker was not replaced")
        if r["gave_up"]:
            bad.append(f"{where}: {r['gave_up']} requests never answered")
        if r["s5xx"]:
            bad.append(f"{where}: {r['s5xx']} 5xx answers")
        if r["integrity"] not in ("ok", "n/a"):
            bad.append(f"{where}: integrity_check {r['integrity']}")
    return bad


def print_kill(rows: list[dict]) -> None:
    print("\nWorker SIGKILLed mid-run; every entry retried with its client_id until answered")
    hdr = (
        f"{'target':<22}{'conns':>5}{'req/s':>7}{'p99 ms':>8}{'acked':>7}{'rows':>7}{'lost':>5}"
        f"{'dups':>5}{'sockerr':>8}{'retries':>8}{'5xx':>5}  killed -> workers after, integrity"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(
            f"{r['target']:<22}{r['conns']:>5}{r['rps']:>7.0f}{r['p99_ms']:>8.1f}{r['acked']:>7}"
            f"{r['rows']:>7}{r['lost']:>5}{r['dups']:>5}{r['socket_errors']:>8}{r['retries']:>8}"
            f"{r['s5xx']:>5}  {r['killed']} of {r['workers_before']} -> {r['workers_after']}, "
            f"{r['integrity']}"
        )


# --- soak -------------------------------------------------------------------------------------


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def soak_run(app: App, conns: int, rate: float, seconds: float, every: float = 30) -> dict:
    samples: list[dict] = []
    with AppServer(app) as srv:
        started = time.monotonic()

        def sample(label):
            def take():
                samples.append(
                    {
                        "label": label,
                        "t": round(time.monotonic() - started, 1),
                        "rss_kib": {str(p): rss_kib(p) for p in srv.workers()},
                    }
                )

            return take

        sample("boot")()  # after warm-up requests, before the soak's load
        warm = min(30.0, seconds / 10)
        events = [(warm, sample("start"))]
        t = warm + every
        while t < seconds - every / 2:
            events.append((t, sample(f"{t:.0f}s")))
            t += every
        r = drive(srv.port, srv.people, conns, seconds, retry=True, rate=rate, events=events)
        sample("end")()
        time.sleep(1.0)
        acked = r.pop("acked")
        stored = srv.client_ids()
        r.update(
            target=app.name,
            conns=conns,
            rate=rate,
            rows=len(stored),
            acked=len(acked),
            lost=len(set(acked) - set(stored)),
            dups=len(stored) - len(set(stored)),
            integrity=srv.integrity(),
        )
    workers = {}
    pids = {p for s in samples for p in s["rss_kib"]}
    start = next(s for s in samples if s["label"] == "start")
    end = samples[-1]
    for pid in sorted(pids):
        seen = [s["rss_kib"][pid] for s in samples if s["rss_kib"].get(pid)]
        w = {
            "boot_mib": _mib(samples[0]["rss_kib"].get(pid)),
            "start_mib": _mib(start["rss_kib"].get(pid)),
            "end_mib": _mib(end["rss_kib"].get(pid)),
            "max_mib": _mib(max(seen)) if seen else None,
            "whole_run": pid in start["rss_kib"] and pid in end["rss_kib"],
        }
        if w["whole_run"]:
            w["growth"] = round(end["rss_kib"][pid] / start["rss_kib"][pid] - 1, 3)
        workers[pid] = w
    r.update(samples=samples, workers=workers)
    return r


def _mib(kib):
    return None if kib is None else round(kib / 1024, 1)


def soak_failures(rows: list[dict], limit: float) -> list[str]:
    bad = []
    for r in rows:
        where = f"soak {r['target']}"
        for pid, w in r["workers"].items():
            if w["whole_run"] and w["growth"] > limit:
                bad.append(f"{where}: worker {pid} grew {w['growth']:.0%} (limit {limit:.0%})")
        if not any(w["whole_run"] for w in r["workers"].values()):
            bad.append(f"{where}: no worker lived through the whole soak")
        for key in ("lost", "dups", "s5xx", "gave_up", "socket_errors"):
            if r[key]:
                bad.append(f"{where}: {key} = {r[key]}")
        if r["integrity"] not in ("ok", "n/a"):
            bad.append(f"{where}: integrity_check {r['integrity']}")
    return bad


def print_soak(rows: list[dict]) -> None:
    print("\nSoak: RSS of each gunicorn worker (MiB); growth from start (after warm-up) to end")
    hdr = (
        f"{'target':<22}{'secs':>5}{'req/s':>7}{'p99 ms':>8}{'acked':>7}{'lost':>5}{'dups':>5}"
        f"{'5xx':>5}  {'worker':>8}{'boot':>7}{'start':>7}{'end':>7}{'max':>7}{'growth':>8}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        head = (
            f"{r['target']:<22}{r['seconds']:>5.0f}{r['rps']:>7.0f}{r['p99_ms']:>8.1f}"
            f"{r['acked']:>7}{r['lost']:>5}{r['dups']:>5}{r['s5xx']:>5}  "
        )
        for pid, w in r["workers"].items():
            growth = f"{w['growth']:+.1%}" if w["whole_run"] else "recycled"
            print(
                f"{head}{pid:>8}{_show(w['boot_mib']):>7}{_show(w['start_mib']):>7}"
                f"{_show(w['end_mib']):>7}{_show(w['max_mib']):>7}{growth:>8}"
            )
            head = " " * len(head)


def _show(v):
    return "-" if v is None else f"{v:.0f}"


# --- main -------------------------------------------------------------------------------------


def ensure_pg_database(url: str) -> None:
    """Create the scratch database (LOAD_PG_URL) on a fresh machine, or say how, first."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True) as con:
            if con.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [target.database]
            ).fetchone():
                return
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
            print(f"created the PostgreSQL database {target.database}", file=sys.stderr)
    except psycopg.Error as error:
        raise SystemExit(
            f"PostgreSQL database {target.database!r} is missing and could not be created; "
            f"create it with: createdb -h {target.host} -U {target.username} {target.database}"
            f" (or set LOAD_PG_URL, or run with --dbs sqlite)\n{error}"
        ) from None


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scenarios", default="post,kill,soak")
    ap.add_argument("--dbs", default="sqlite,postgresql")
    ap.add_argument("--conns", default="16,64")
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument(
        "--durable-baseline",
        action="store_true",
        help="also run the baseline with synchronous=FULL (each commit fsynced, as the app's)",
    )
    ap.add_argument("--rounds", type=int, default=1, help="interleaved repeats; medians")
    ap.add_argument(
        "--app-configs",
        default="",
        help="workers x threads to compare, e.g. 2x1,3x1,2x4 (default: gunicorn.conf.py), each "
        "optionally with settings: 2x1+SQLITE_SYNC_AFTER_UNLOCK=0, or +KEY=VALUE alone",
    )
    ap.add_argument("--kill-seconds", type=float, default=20)
    ap.add_argument("--kill-conns", type=int, default=16)
    ap.add_argument("--soak-seconds", type=float, default=300)
    ap.add_argument("--soak-conns", type=int, default=8)
    ap.add_argument("--soak-rate", type=float, default=30, help="entries a second in all")
    ap.add_argument("--soak-growth", type=float, default=0.20, help="largest RSS growth allowed")
    ap.add_argument("--json-out", help="default: bench/results/load_diary-<UTC time>.json")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    scenarios = args.scenarios.split(",")
    dbs = args.dbs.split(",")
    if "postgresql" in dbs:
        ensure_pg_database(PG_URL)
    conns = [int(c) for c in args.conns.split(",")]
    configs = [c for c in args.app_configs.split(",") if c]
    apps = [App.configured(db, c) for db in dbs for c in configs] or [App(db) for db in dbs]
    result = {"args": vars(args), "started": datetime.now(UTC).isoformat(timespec="seconds")}
    failures: list[str] = []

    if "post" in scenarios:
        runs = []
        for rnd in range(args.rounds):
            print(f"[post round {rnd + 1}] {BASELINE}", file=sys.stderr, flush=True)
            runs += post_baseline(conns, args.duration)
            if args.durable_baseline:
                print(f"[post round {rnd + 1}] {DURABLE_BASELINE}", file=sys.stderr, flush=True)
                runs += post_baseline(conns, args.duration, durable=True)
            for app in apps:
                print(f"[post round {rnd + 1}] {app.name}", file=sys.stderr, flush=True)
                runs += post_app(app, conns, args.duration)
        table = summarise_post(runs)
        print_post(table)
        rounds = post_rounds(runs)
        print_rounds(rounds)
        result["post"] = {"runs": runs, "table": table, "rounds": rounds}
        failures += post_failures(table)

    if "kill" in scenarios:
        rows = []
        for db in dbs:
            print(f"[kill] app-{db}", file=sys.stderr, flush=True)
            rows.append(kill_run(App(db), args.kill_conns, args.kill_seconds))
        print_kill(rows)
        result["kill"] = rows
        failures += kill_failures(rows)

    if "soak" in scenarios:
        rows = []
        for db in dbs:
            print(f"[soak] app-{db}, {args.soak_seconds:.0f} s", file=sys.stderr, flush=True)
            rows.append(
                soak_run(
                    App(db, max_requests=0), args.soak_conns, args.soak_rate, args.soak_seconds
                )
            )
        print_soak(rows)
        result["soak"] = rows
        failures += soak_failures(rows, args.soak_growth)

    result["failures"] = failures
    out = (
        Path(args.json_out)
        if args.json_out
        else (HERE / "results" / f"load_diary-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, default=str))
    print(f"\nJSON: {out}")
    for f in failures:
        print("FAIL", f)
    print("FAILED" if failures else "OK: no lost write, duplicate, 5xx or integrity failure")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
