"""Signing in and out, throttling, and server-side sessions."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.models import UserSession
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from tests.conftest import (
    PASSWORD,
    PRODUCTION_SETTINGS,
    error_messages,
    login,
    make_user,
    page,
    submit,
)


def _events(action):
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_sign_in_with_correct_password_lands_on_home(client):
    """A known user with the right password is signed in and sees their home page."""
    user = make_user("gp@example.org")
    response = login(client, user)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "gp@example.org" in home.get_data(as_text=True)
    assert _events("sign_in") == 1


def test_sign_in_with_wrong_password_shows_message_and_keeps_email(client):
    """A wrong password is refused beside the field, the email stays filled in, nothing leaks."""
    make_user("gp@example.org")
    response = submit(client, "/account/sign-in", {"email": "gp@example.org", "password": "nope"})
    assert response.status_code == 422
    assert "Enter a correct email address and password." in error_messages(response)
    assert page(response).find("input", id="email")["value"] == "gp@example.org"
    assert _events("sign_in_failed") == 1


def test_unknown_email_gets_the_same_message_as_wrong_password(client):
    response = submit(client, "/account/sign-in", {"email": "nobody@example.org", "password": "x"})
    assert "Enter a correct email address and password." in error_messages(response)


def test_sign_in_throttled_after_five_failures_for_one_account(client):
    """The sixth attempt is refused even with the right password; counts live in the database."""
    user = make_user("gp@example.org")
    for _ in range(5):
        submit(client, "/account/sign-in", {"email": user.email, "password": "wrong"})
    response = submit(client, "/account/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 422
    assert any("Too many unsuccessful attempts" in m for m in error_messages(response))
    assert client.get("/").status_code == 302  # still signed out


def test_throttle_is_shared_between_app_instances(client, another_app):
    """A second app (another worker process) sees the failures the first one recorded."""
    user = make_user("gp@example.org")
    for _ in range(5):
        submit(client, "/account/sign-in", {"email": user.email, "password": "wrong"})
    email = user.email  # read before switching apps: the ORM binds to the current app's engine
    other = another_app()
    with other.app_context():
        response = submit(
            other.test_client(), "/account/sign-in", {"email": email, "password": PASSWORD}
        )
        assert any("Too many unsuccessful attempts" in m for m in error_messages(response))


def test_sign_in_rotates_the_session_cookie(client):
    """The session cookie issued before sign-in is replaced (no session fixation)."""
    client.get("/account/sign-in")
    before = client.get_cookie("pact_session").value
    login(client, make_user())
    assert client.get_cookie("pact_session").value != before
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_sign_out_invalidates_a_copied_session_cookie(app, client):
    """Replaying the cookie saved before sign-out does not sign anyone back in."""
    login(client, make_user())
    stolen = client.get_cookie("pact_session").value
    submit(client, "/account/sign-out", {}, form_url="/")
    thief = app.test_client()
    thief.set_cookie("pact_session", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_idle_timeout_ends_the_session(client):
    user = make_user()
    login(client, user)
    row = db.session.scalar(select(UserSession))
    row.last_seen_at -= timedelta(minutes=31)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_absolute_timeout_ends_an_active_session(client):
    user = make_user()
    login(client, user)
    row = db.session.scalar(select(UserSession))
    row.created_at -= timedelta(hours=13)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_out_requires_post_and_csrf(client):
    login(client, make_user())
    assert client.get("/account/sign-out").status_code == 405
    assert client.post("/account/sign-out").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200  # still signed in


def test_next_parameter_only_redirects_within_the_site(client):
    user = make_user()
    response = submit(
        client,
        "/account/sign-in?next=https://evil.example/",
        {"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client2 = client.application.test_client()
    response = submit(
        client2, "/account/sign-in?next=/studies/", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/studies/"


def test_security_headers_on_pages(client):
    response = client.get("/account/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert re.search(r"script-src 'self' 'nonce-[^']+'", csp)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_production_config_sets_hsts_and_secure_cookies(another_app):
    prod = another_app("production", FORCE_HTTPS=False, **PRODUCTION_SETTINGS)
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    response = prod.test_client().get("/account/sign-in", base_url="https://pact.test")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_secret_key(another_app):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        another_app("production", SECRET_KEY=None)
