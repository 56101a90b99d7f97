"""gunicorn.conf.py as `make serve-prod` uses it: the app is built once in the master and
workers are forked from it (preload_app), recycled after max_requests, each with its own
database connections."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PACT_ENV": "production",
        "SECRET_KEY": "gunicorn-config-test-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PROXY_FIX_HOPS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_MAX_REQUESTS": "3",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(  # noqa: S603  (our own command line)
        [str(GUNICORN), "-c", "gunicorn.conf.py", "pact_feedback:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while _get(port, "/healthz") != 200:
        assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
        assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
        time.sleep(0.2)
    yield proc, port, tmp_path / "gunicorn.log"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()


def test_workers_fork_from_a_preloaded_app_and_are_recycled_quickly(served):
    proc, port, log = served
    seen = set(_children(proc.pid))
    statuses = []
    for _ in range(24):
        statuses.append(_get(port, "/healthz"))
        seen |= _children(proc.pid)
    assert statuses == [200] * 24, log.read_text()
    # 24 requests over 2 workers recycled every 3: new workers forked again and again.
    assert len(seen) >= 6, log.read_text()
    # The master itself has built the app (numpy's compiled modules are mapped into it), so
    # a new worker is a fork, not a fresh import.
    assert "numpy" in Path(f"/proc/{proc.pid}/maps").read_text()
    text = log.read_text()
    assert "Traceback" not in text
    assert text.count("Autorestarting worker") >= 4
