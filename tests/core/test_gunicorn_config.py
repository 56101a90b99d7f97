"""gunicorn.conf.py as `make serve-prod` uses it: the app is built once in the master and
workers are forked from it (preload_app), recycled after max_requests, each with its own
database connections."""

from pathlib import Path

import pytest

from tests.gunicorn_server import PRODUCTION_ENV, get_status, serving


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
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PROXY_FIX_HOPS": "1",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_MAX_REQUESTS": "3",
    }
    log = tmp_path / "gunicorn.log"
    with serving(env, log) as (proc, port):
        yield proc, port, log


def test_workers_fork_from_a_preloaded_app_and_are_recycled_quickly(served):
    proc, port, log = served
    seen = set(_children(proc.pid))
    statuses = []
    for _ in range(24):
        statuses.append(get_status(port, "/healthz"))
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
