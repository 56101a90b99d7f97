#!/usr/bin/env python3
"""Mixed hostile input against a production-config gunicorn, for a bounded time; counts 5xx.

    .venv/bin/python bench/hostile.py --seconds 1200                  # the 20-minute run
    .venv/bin/python bench/hostile.py --seconds 120 --threads 3       # a short one
    .venv/bin/python bench/hostile.py --database-url postgresql+psycopg://postgres@127.0.0.1/x

The app runs as `make serve-prod` runs it (gunicorn.conf.py, PACT_ENV=production, a generated
SECRET_KEY, SERVER_BASE_URL, PROXY_FIX_HOPS=1 with `X-Forwarded-Proto: https` as a TLS proxy
sends) on a fresh SQLite file, or on --database-url (PostgreSQL: the database is emptied first,
so give it a scratch one), with the demo data (`flask seed-demo`), rate-limit counters in
--redis-url (or memory://) and the mail server down (MAIL_PORT is a closed port), so password
resets meet a failing SMTP server.

Each of --threads clients loops until --seconds have passed, sending one request at a time,
chosen at random from: every route of the app (from its url_map) with every method, as nobody,
as each demo role (signed in through the real form, with their CSRF token) or with a real API
token; path values that are ids past the database's range, traversal, NUL, huge or non-ASCII;
bodies nested 400 levels deep, lone surrogates, NUL bytes, invalid UTF-8, random bytes,
form fields with random text, UTF-16 and binary uploads, bodies past the size limit; a foreign
Host header, spoofed X-Forwarded-For, broken cookies and bearer tokens; sign-in sprays and
password resets. Prints requests by status and every distinct 5xx (method, path, kind), and the
count of tracebacks in gunicorn's log. Exits 1 on any 5xx or traceback.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (the public demo data's password)
DEMO_USERS = ["study.team@pact.example", "lead.1@practice.example", "gp.1@practice.example"]
PROXY = {"X-Forwarded-Proto": "https"}

NESTED = b"[" * 400 + b"]" * 400
BODIES = {
    "nested arrays": (NESTED, "application/json"),
    "nested objects": (b'{"a":' * 400 + b"1" + b"}" * 400, "application/json"),
    "nested in a field": (b'{"note": ' + NESTED + b', "minutes": 5}', "application/json"),
    "lone surrogates": (
        b'{"category": "\\ud800", "note": "\\udfff", "minutes": 5, "client_id": "\\ud83d",'
        b' "date": "2026-01-01"}',
        "application/json",
    ),
    "NUL in JSON": (b'{"note": "a\\u0000b", "minutes": 5}', "application/json"),
    "invalid UTF-8 JSON": (b'{"note": "\xff\xfe\xed\xa0\x80"}', "application/json"),
    "truncated JSON": (b'{"note": "abc', "application/json"),
    "JSON scalar": (b"12345678901234567890123456789", "application/json"),
    "random bytes": (None, "application/octet-stream"),
    "merge-patch": (b'{"minutes": -1}', "application/merge-patch+json"),
}
PATH_VALUES = [
    "0",
    "-1",
    str(2**63),
    "99999999999999999999999",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "%ED%A0%80",
    "%FF",
    "a" * 3000,
    quote("Ysgol Feddygol – ✓"),
    "hidden-workload",
    "why-test",
    "1",
    "2",
    "A81001",
]
TEXT = [
    "",
    "x",
    "a\x00b",
    "\ud800",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "é" * 5000,
    "9434765919",
    "2026-02-30",
    "-5",
    "1e309",
    "NaN",
    "😀" * 50,
]


class Server:
    """gunicorn with gunicorn.conf.py on a free loopback port, production config."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def __enter__(self):
        self.out = self.log.open("w")
        self.proc = subprocess.Popen(  # noqa: S603  (our own command line)
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "pact_feedback:create_app()"],
            cwd=ROOT,
            env={**os.environ, **self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in 90 s:\n" + self.log.read_text()[-3000:])

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.out.close()


def request(port, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        # Flask-WTF checks the Referer of HTTPS form posts (WTF_CSRF_SSL_STRICT), as browsers send.
        own = f"https://127.0.0.1:{port}/"
        sent = {"Host": f"127.0.0.1:{port}", "Referer": own, **PROXY, **(headers or {})}
        if body is not None:
            sent["Content-Length"] = str(len(body))
        for name, value in sent.items():
            conn.putheader(name, value)
        # The server may answer (413) and close before reading the whole body.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        conn.close()


class Browser:
    """A signed-in demo user: the session cookie and the session's CSRF token."""

    def __init__(self, port, email):
        status, cookie, html = request(port, "GET", "/account/sign-in")
        self.cookie = _cookie(cookie)
        token = _csrf(html)
        form = f"csrf_token={quote(token)}&email={quote(email)}&password={DEMO_PASSWORD}"
        status, cookie, _ = request(
            port,
            "POST",
            "/account/sign-in",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        assert status == 302, f"{email} could not sign in ({status})"
        self.cookie = _cookie(cookie) or self.cookie
        self.csrf = _csrf(request(port, "GET", "/account/password", None, self.headers)[2])

    @property
    def headers(self):
        return {"Cookie": self.cookie}


def _cookie(header: str) -> str:
    match = re.search(r"pact_session=[^;]+", header)
    return match.group(0) if match else ""


def _csrf(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1).decode() if match else ""


def prepare(env: dict, database_url: str) -> tuple[list, str]:
    """Migrate, load the demo data, make an API token; returns (routes, token)."""
    if database_url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    flask_env = {**os.environ, **env, "FLASK_APP": "pact_feedback:create_app"}
    for command in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        subprocess.run(  # noqa: S603  (our own command line)
            [str(BIN / "flask"), *command],
            cwd=ROOT,
            env=flask_env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from pact_feedback import create_app
    from pact_feedback.accounts.models import User
    from pact_feedback.api.tokens import create_token
    from pact_feedback.extensions import db

    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="gp.1@practice.example"))
        _, token = create_token(user, "hostile bench", by=user)
        db.session.remove()
        db.engine.dispose()
    routes = [
        (rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    ]
    return routes, token


def fill(rule: str, rng: random.Random) -> str:
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", lambda _m: rng.choice(PATH_VALUES), rule)


def hostile_request(rng, routes, browsers, token, port):
    """One random hostile request: (method, path, kind, body, headers)."""
    rule, methods = rng.choice(routes)
    method = rng.choice(methods + ["POST", "PATCH", "DELETE", "PUT", "GET"])
    path = fill(rule, rng)
    headers, kind = {}, ""
    who = rng.choice(["nobody", "token", *range(len(browsers))])
    if who == "token" or path.startswith("/api/"):
        headers["Authorization"] = rng.choice(
            [f"Bearer {token}", "Bearer pact_" + "x" * 40, "Bearer", "Basic Zm9vOmJhcg=="]
        )
    elif who != "nobody":
        headers.update(browsers[who].headers)
    choice = rng.random()
    if choice < 0.45:
        kind = rng.choice(list(BODIES))
        body, content_type = BODIES[kind]
        body = body if body is not None else rng.randbytes(rng.randint(1, 2000))
        headers["Content-Type"] = content_type
    elif choice < 0.75:
        kind = "form"
        csrf = browsers[who].csrf if isinstance(who, int) else "forged"
        fields = {"csrf_token": csrf}
        for name in rng.sample(FIELD_NAMES, rng.randint(1, 6)):
            fields[name] = rng.choice(TEXT)
        body = "&".join(
            f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in fields.items()
        ).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif choice < 0.85:
        kind = "upload"
        csrf = browsers[who].csrf if isinstance(who, int) else "forged"
        body, headers["Content-Type"] = _multipart(rng, csrf)
    elif choice < 0.9:
        kind = "oversized"
        body = b"[" + b"1," * (3 * 2**20) + b"1]"
        headers["Content-Type"] = "application/json"
    else:
        kind = "headers"
        body = None
        headers.update(
            rng.choice(
                [
                    {"Host": "evil.example"},
                    {"X-Forwarded-For": "1.2.3.4, 5.6.7.8"},
                    {"X-Forwarded-Host": "evil.example"},
                    {"Cookie": "pact_session=" + "A" * 4000},
                    {"Accept": "application/json"},
                    {"Content-Type": "application/json"},
                ]
            )
        )
    return method, path, kind, body, headers


FIELD_NAMES = [
    "email",
    "password",
    "current_password",
    "confirm",
    "name",
    "title",
    "note",
    "minutes",
    "category_id",
    "date",
    "staff_role",
    "ods_codes",
    "q_discussed",
    "q_change",
    "based_on",
    "aim_what",
    "reason",
    "slug",
    "start_time",
    "end_time",
    "items",
    "action",
]


def _multipart(rng, csrf):
    boundary = secrets.token_hex(8)
    content = rng.choice(
        [
            "ods_code,name\nA81001,Ysgol – ✓\n".encode("utf-16"),
            "ods_code\nA81001\n".encode("utf-16-le"),
            b"PK\x03\x04" + rng.randbytes(500),
            b"ods_code\n" + b"A8\x001001\n",
            "ods_code,name\nA81001,Mênai\n".encode("cp1252"),
            b'{"questions": ' + NESTED + b"}",
        ]
    )
    name = rng.choice(["csv_file", "json_file"])
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=csrf_token\r\n\r\n"
        f"{csrf}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="f.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def special_request(rng, token):
    """Sign-in sprays, password resets with the mail server down, API writes."""
    kind = rng.choice(["spray", "reset", "entry"])
    if kind == "spray":
        email = rng.choice(DEMO_USERS + ["nobody@example.org"])
        return (
            "POST",
            "/account/sign-in",
            kind,
            f"email={quote(email)}&password=x".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    if kind == "reset":
        email = rng.choice(DEMO_USERS)
        return (
            "POST",
            "/account/forgot-password",
            kind,
            f"email={quote(email)}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    client_id = rng.choice(["{ABC}", "x" * 200, secrets.token_hex(16).upper()])
    body = json.dumps(
        {"category": "B1", "minutes": rng.choice([5, 0, 10**9]), "client_id": client_id}
    ).encode()
    return (
        "POST",
        f"/api/v1/days/{rng.choice([1, 2, 3])}/entries",
        kind,
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )


def run(port, routes, browsers, token, seconds, threads, seed):
    statuses: Counter = Counter()
    errors: Counter = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n):
        rng = random.Random(seed + n)
        while time.monotonic() < stop:
            if rng.random() < 0.1:
                method, path, kind, body, headers = special_request(rng, token)
            else:
                method, path, kind, body, headers = hostile_request(
                    rng, routes, browsers, token, port
                )
            try:
                status = request(port, method, path, body, headers)[0]
            except OSError as error:
                status = f"socket error: {type(error).__name__}"
            with lock:
                statuses[status] += 1
                if not isinstance(status, int) or status >= 500:
                    errors[(status, method, path[:80], kind)] += 1

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="memory://")
    parser.add_argument("--workers", default="2")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hostile-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'app.sqlite3'}"
    with socket.socket() as s:  # a port nobody listens on: the mail server is down
        s.bind(("127.0.0.1", 0))
        mail_port = s.getsockname()[1]
    env = {
        "PACT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SERVER_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": args.redis_url,
        "PROXY_FIX_HOPS": "1",
        "GUNICORN_WORKERS": args.workers,
        "GUNICORN_ACCESS_LOG": "",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "MAIL_TIMEOUT": "2",
    }
    routes, token = prepare(env, database_url)
    log = tmp / "gunicorn.log"
    started = time.time()
    with Server(env, log) as server:
        browsers = [Browser(server.port, email) for email in DEMO_USERS]
        statuses, errors = run(
            server.port, routes, browsers, token, args.seconds, args.threads, args.seed
        )
    tracebacks = log.read_text(errors="replace").count("Traceback")
    total = sum(statuses.values())
    print(
        f"hostile run: {time.time() - started:.0f} s, {args.threads} client threads, "
        f"{args.workers} workers, {database_url.split(':')[0]}"
    )
    print(f"requests: {total}")
    for status, count in sorted(statuses.items(), key=lambda kv: str(kv[0])):
        print(f"  {status}: {count}")
    fives = sum(count for (status, *_), count in errors.items())
    print(f"5xx or socket errors: {fives}; tracebacks in gunicorn's log: {tracebacks}")
    for (status, method, path, kind), count in errors.most_common(30):
        print(f"  {count} x {status} {method} {path} ({kind})")
    print(f"gunicorn log: {log}")
    return 1 if fives or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
