"""The app served by gunicorn with `gunicorn.conf.py`, as `make serve-prod` runs it, for tests that
need real worker processes on a loopback port."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# What production refuses to start without (docs/production.md): a strong key, and the public
# address, whose host is then the only one requests may name (here the loopback address).
PRODUCTION_ENV = {
    "PACT_ENV": "production",
    "SECRET_KEY": "gunicorn-test-" + "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z",
    "SERVER_BASE_URL": "http://127.0.0.1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(port: int, path: str) -> int | None:
    """The status of a GET as if through a TLS proxy, or None while nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


@contextmanager
def serving(env: dict, log_path: Path):
    """Start gunicorn on a free port with `env` added to ours; yield (process, port) once
    /healthz answers; stop it with SIGTERM afterwards. Its output goes to `log_path`."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(  # noqa: S603  (our own command line)
            [str(GUNICORN), "-c", "gunicorn.conf.py", "pact_feedback:create_app()"],
            cwd=ROOT,
            env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while get_status(port, "/healthz") != 200:
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "no answer in 60 s\n" + log_path.read_text()
                time.sleep(0.2)
            yield proc, port
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
