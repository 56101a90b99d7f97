"""Accounts when the world is hostile or failing: reset links that follow a forged Host header,
a mail server that is down, an account locked before its owner reset the password, API tokens
that outlived a password change, and a production start with a weak or public secret."""

import logging
import os
import re
import sqlite3
import stat

import pytest
from sqlalchemy import select

from config import production_problems
from pact_feedback.api.models import ApiToken
from pact_feedback.api.tokens import create_token, user_id_for_token
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from pact_feedback.governance.backup import backup
from tests.conftest import (
    PASSWORD,
    PRODUCTION_SETTINGS,
    IsolatedClient,
    error_messages,
    login,
    make_user,
    page,
    submit,
)
from tests.gunicorn_server import free_port

PRODUCTION = {**PRODUCTION_SETTINGS, "SERVER_BASE_URL": "https://feedback.pact.test"}
NEW_PASSWORD = "a brand new passphrase"


def _link(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


# 3. Reset links point only at our host ------------------------------------------------------


def test_a_forged_host_header_never_reaches_an_emailed_link(client, outbox):
    """Whatever Host the request names, the link is on SERVER_BASE_URL."""
    make_user("gp@example.org")
    token = csrf_token_on(client, "http://evil.example")
    client.post(
        "/account/forgot-password",
        data={"csrf_token": token, "email": "gp@example.org"},
        base_url="http://evil.example",
    )
    assert len(outbox) == 1
    assert _link(outbox[0]).startswith("http://localhost/account/reset-password/")
    assert "evil.example" not in outbox[0].body


def csrf_token_on(client, base_url):
    response = client.get("/account/forgot-password", base_url=base_url)
    return page(response).find("input", attrs={"name": "csrf_token"})["value"]


def test_production_refuses_requests_for_other_hosts(another_app):
    """In production TRUSTED_HOSTS is SERVER_BASE_URL's host: any other Host is a 400 page,
    before a form is read or an email sent."""
    prod = another_app("production", FORCE_HTTPS=False, **PRODUCTION)
    assert prod.config["TRUSTED_HOSTS"] == ["feedback.pact.test"]
    client = prod.test_client()
    evil = client.post(
        "/account/forgot-password", data={"email": "x@y.z"}, base_url="https://evil.example"
    )
    assert evil.status_code == 400
    assert "There is a problem with your request" in evil.get_data(as_text=True)
    # Refused by another check first (a NUL, nested JSON, a 404, a 405): still no page
    # template, which could not build a URL for that host: a plain 400, never a 500.
    for method, path, body in [
        ("GET", "/take-part/a%00b", None),
        ("POST", "/healthz", b"[" * 400 + b"]" * 400),
        ("GET", "/no-such-page", None),
        ("DELETE", "/account/sign-in", None),
    ]:
        response = client.open(
            path,
            method=method,
            data=body,
            content_type="application/json",
            base_url="https://evil.example",
        )
        assert response.status_code == 400, (method, path)
    assert client.get("/healthz", base_url="https://feedback.pact.test").status_code == 200


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"SERVER_BASE_URL": None}, "SERVER_BASE_URL"),
        ({"SERVER_BASE_URL": "feedback.pact.test"}, "SERVER_BASE_URL"),
        ({"SECRET_KEY": "x"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "x" * 64}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "test-only-not-secret"}, "SECRET_KEY is weak"),
    ],
)
def test_production_refuses_to_start_with_missing_or_weak_settings(another_app, settings, says):
    with pytest.raises(RuntimeError, match=says):
        another_app("production", **{**PRODUCTION, **settings})


def test_a_strong_key_and_a_base_url_are_enough():
    assert production_problems(PRODUCTION) == []


# 4. Mail down -------------------------------------------------------------------------------


def test_mail_down_gives_the_same_answer_as_an_unknown_email(app, another_app, caplog):
    """SMTP unreachable: a real account's reset request answers exactly like an unknown
    address's (no error page, no enumeration), after retrying; the failure is logged and
    recorded in the audit trail for the study team."""
    down = another_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    down.config["MAIL_SEND_ATTEMPTS"] = 2
    down.test_client_class = IsolatedClient
    with down.app_context():
        make_user("gp@example.org")
        client = down.test_client()
        with caplog.at_level(logging.WARNING, logger=down.logger.name):
            known = submit(client, "/account/forgot-password", {"email": "gp@example.org"})
        unknown = submit(client, "/account/forgot-password", {"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 200

        def said(response, email):
            return page(response).select_one("main").get_text(" ", strip=True).replace(email, "@")

        assert said(known, "gp@example.org") == said(unknown, "nobody@example.org")
        attempts = [r for r in caplog.records if "failed" in r.getMessage()]
        assert len(attempts) == 2
        assert any(
            r.levelno == logging.ERROR and "not sent" in r.getMessage() for r in caplog.records
        )
        failed = db.session.scalars(select(AuditEvent).filter_by(action="email_failed")).all()
        assert [e.details["template"] for e in failed] == ["password_reset"]
        db.session.remove()


# 5. A completed reset clears the lock -------------------------------------------------------


def test_a_completed_reset_lets_a_locked_account_sign_in(client, outbox):
    user = make_user("gp@example.org")
    for _ in range(5):
        submit(client, "/account/sign-in", {"email": user.email, "password": "wrong"})
    refused = submit(client, "/account/sign-in", {"email": user.email, "password": PASSWORD})
    assert any("reset your password" in m for m in error_messages(refused))
    submit(client, "/account/forgot-password", {"email": user.email})
    link = _link(outbox[0])
    done = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    login(client, "gp@example.org", NEW_PASSWORD)


def test_a_reset_does_not_lift_the_lock_for_a_guesser_without_the_link(client):
    """Only the account's own counts restart, and only after a reset: fresh failures after it
    lock it again."""
    user = make_user("gp@example.org")
    for _ in range(5):
        submit(client, "/account/sign-in", {"email": user.email, "password": "wrong"})
    refused = submit(client, "/account/sign-in", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 422  # no reset: still locked with the right password


# 10. Tokens, secrets, backups ---------------------------------------------------------------


def test_changing_the_password_revokes_api_tokens_and_says_so(client):
    user = make_user("gp@example.org")
    _, first = create_token(user, "phone", by=user)
    _, second = create_token(user, "tablet", by=user)
    login(client, user)
    page_before = client.get("/account/password").get_data(as_text=True)
    assert "revokes your API access" in page_before
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Your 2 API access tokens were revoked" in response.get_data(as_text=True)
    assert user_id_for_token(first) is None and user_id_for_token(second) is None
    assert all(t.revoked_at for t in db.session.scalars(select(ApiToken)))
    revoked = db.session.scalars(select(AuditEvent).filter_by(action="api_token_revoked")).all()
    assert len(revoked) == 2


def test_a_password_reset_revokes_api_tokens_too(client, outbox):
    user = make_user("gp@example.org")
    _, secret = create_token(user, "phone", by=user)
    submit(client, "/account/forgot-password", {"email": user.email})
    response = submit(
        client,
        _link(outbox[0]),
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Your API access token was revoked" in response.get_data(as_text=True)
    assert user_id_for_token(secret) is None


def test_a_backup_file_is_readable_by_its_owner_only(tmp_path):
    source = tmp_path / "live.sqlite3"
    sqlite3.connect(source).close()
    out = tmp_path / "backup.sqlite3"
    out.write_text("an older, world-readable copy")
    out.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        backup(f"sqlite:///{source}", out)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
