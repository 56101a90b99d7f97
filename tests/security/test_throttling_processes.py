"""Sign-in throttling across real worker processes: two gunicorn servers (one worker each, the
production config, as two app servers behind a load balancer would be) share one database and
one Redis. Failures made through either add up, and so does the per-address rate limit.

The in-process version of these rules (two app instances, the app's clock moved on) is in
test_sessions.py; this one proves nothing in them lives in a single process's memory."""

import http.client
import os
import re
from contextlib import ExitStack
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import redis
from flask_migrate import upgrade

from pact_feedback import create_app
from pact_feedback.extensions import db
from tests.conftest import PASSWORD, make_user
from tests.gunicorn_server import PRODUCTION_ENV, serving

SIGN_IN = "/account/sign-in"
LOCKED = "Too many unsuccessful attempts"
# The same Redis the rest of the suite uses in CI; on a developer's machine the one at 6379.
REDIS_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")


class Browser:
    """One browser's cookies against one server, over plain HTTP as if behind a TLS proxy."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = origin + path  # CSRF's same-origin check over HTTPS
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            conn.close()

    def sign_in(self, email: str, password: str):
        _, form_page = self.request("GET", SIGN_IN)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form_page).group(1)
        return self.request(
            "POST", SIGN_IN, {"csrf_token": token, "email": email, "password": password}
        )


@pytest.fixture
def two_servers(tmp_path):
    """Two single-worker gunicorn servers on one migrated SQLite file and one Redis database;
    yields (port_a, port_b, email of a real account)."""
    database_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    setup = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with setup.app_context():
        upgrade()
        email = make_user("target@example.org").email
        db.session.remove()
        db.engine.dispose()
    storage = redis.Redis.from_url(REDIS_URI)
    storage.flushdb()  # counters from earlier tests are not this test's
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URI,
        "PROXY_FIX_HOPS": "1",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "",
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": "5",
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",  # the address limit is Flask-Limiter's here
        "LOGIN_RATE_LIMIT": "30 per minute",
    }
    try:
        with ExitStack() as servers:
            ports = [
                servers.enter_context(serving(env, tmp_path / f"gunicorn-{name}.log"))[1]
                for name in ("a", "b")
            ]
            yield ports[0], ports[1], email
    finally:
        storage.flushdb()
        storage.close()


def test_failures_through_two_worker_processes_lock_the_account_on_both(two_servers):
    port_a, port_b, email = two_servers
    on_a, on_b = Browser(port_a), Browser(port_b)
    for browser in (on_a, on_a, on_a, on_b, on_b):  # 3 + 2 = the limit of 5
        status, text = browser.sign_in(email, "wrong guess")
        assert status == 422 and "Enter a correct email address and password" in text
    for browser in (on_b, on_a):  # now even the right password is refused, on both servers
        status, text = browser.sign_in(email, PASSWORD)
        assert status == 422 and LOCKED in text
        assert browser.request("GET", "/")[0] == 302  # still signed out


def test_the_per_address_rate_limit_is_counted_across_both_processes(two_servers):
    """30 sign-in POSTs a minute from one address: 15 through each server use it up, and the
    31st is refused on either (429), because the counter lives in Redis, not in a worker."""
    port_a, port_b, _ = two_servers
    on_a, on_b = Browser(port_a), Browser(port_b)
    for index in range(30):
        browser = on_a if index % 2 else on_b
        status, _ = browser.sign_in(f"nobody{index}@example.org", "wrong guess")
        assert status == 422, index
    for browser in (on_a, on_b):
        status, text = browser.sign_in("nobody@example.org", "wrong guess")
        assert status == 429
        assert "Wait a few minutes before trying again" in text
