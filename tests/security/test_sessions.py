"""Sessions and sign-in under attack: stolen cookies after sign-out and password change, session
fixation, idle and absolute timeouts (with the app's own clock moved on), and sign-in throttling
that holds across two app instances (two worker processes) sharing one database."""

from datetime import datetime, timedelta

import pytest

from pact_feedback.core import time as app_time
from tests.conftest import PASSWORD, IsolatedClient, error_messages, login, make_user, submit

SIGN_IN = "/account/sign-in"


@pytest.fixture
def clock(monkeypatch):
    """Move the app's clock (`pact_feedback.core.time.utcnow`, used by sessions, throttling and
    every timestamp default) forward without sleeping."""
    offset = timedelta(0)

    class MovedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + offset

    monkeypatch.setattr(app_time, "datetime", MovedDatetime)

    class Clock:
        def advance(self, **delta):
            nonlocal offset
            offset += timedelta(**delta)

    return Clock()


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _copy(app, cookie_value):
    other = app.test_client()
    other.set_cookie("pact_session", cookie_value)
    return other


def test_a_cookie_copied_before_sign_out_is_worthless_afterwards(app, client):
    login(client, make_user())
    stolen = client.get_cookie("pact_session").value
    assert _signed_in(_copy(app, stolen))  # the copy works while the session is open...
    submit(client, "/account/sign-out", {}, form_url="/")
    assert not _signed_in(client)
    assert not _signed_in(_copy(app, stolen))  # ...and not after sign-out


def test_changing_the_password_signs_out_every_other_browser(app, client):
    user = make_user()
    login(client, user)
    laptop = app.test_client()
    login(laptop, user)
    stolen = client.get_cookie("pact_session").value
    new_password = "a brand new passphrase"
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert _signed_in(client)  # this browser carries on, with a fresh session
    assert client.get_cookie("pact_session").value != stolen
    assert not _signed_in(laptop)
    assert not _signed_in(_copy(app, stolen))


def test_signing_in_issues_a_new_session_id(app, client):
    """An attacker who planted a session cookie before sign-in cannot ride the signed-in one."""
    client.get(SIGN_IN)
    planted = client.get_cookie("pact_session").value
    login(client, make_user())
    assert client.get_cookie("pact_session").value != planted
    assert not _signed_in(_copy(app, planted))
    # Signing in twice gives two different sessions.
    first = client.get_cookie("pact_session").value
    submit(client, "/account/sign-out", {}, form_url="/")
    login(client, make_user())
    assert client.get_cookie("pact_session").value != first


def test_idle_timeout_is_thirty_minutes_of_inactivity(client, clock):
    login(client, make_user())
    for _ in range(3):  # activity keeps the session alive, well past 30 minutes in total
        clock.advance(minutes=29)
        assert _signed_in(client)
    clock.advance(minutes=31)
    assert not _signed_in(client)


def test_absolute_timeout_ends_even_a_busy_session_after_twelve_hours(client, clock):
    login(client, make_user())
    for _ in range(24):  # a request every 29 minutes for 11.6 hours
        clock.advance(minutes=29)
        assert _signed_in(client)
    clock.advance(minutes=25)  # 12 h 01 min after sign-in
    assert not _signed_in(client)
    login(client, make_user())  # signing in again works
    assert _signed_in(client)


def _attempt(client, email, password):
    return submit(client, SIGN_IN, {"email": email, "password": password})


def test_throttling_counts_failures_made_on_two_app_instances(app, client, another_app, clock):
    """Failures split between two workers add up; the account stays locked on both, even with
    the right password, until the window has passed."""
    email = make_user("target@example.org").email
    other = another_app()
    other.test_client_class = IsolatedClient
    for _ in range(3):
        assert _attempt(client, email, "wrong guess").status_code == 422
    with other.app_context():
        other_client = other.test_client()
        for _ in range(2):
            assert _attempt(other_client, email, "wrong guess").status_code == 422
        refused = _attempt(other_client, email, PASSWORD)
        assert any("Too many unsuccessful attempts" in m for m in error_messages(refused))
        assert not _signed_in(other_client)
    refused = _attempt(client, email, PASSWORD)
    assert any("Too many unsuccessful attempts" in m for m in error_messages(refused))
    clock.advance(minutes=16)
    assert _attempt(client, email, PASSWORD).status_code == 302


def test_throttling_by_address_holds_across_accounts_and_instances(
    app, client, another_app, request
):
    """Failures from one address past its ceiling (lowered here to 20), spread over many
    accounts and both workers, lock that address out even for an account that never failed
    (and never signed in from there: tests/accounts/test_throttling.py)."""
    emails = [make_user().email for _ in range(5)]
    fresh = make_user().email
    ceiling = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 20
    request.addfinalizer(lambda: app.config.update(LOGIN_MAX_FAILURES_PER_ADDRESS=ceiling))
    other = another_app(LOGIN_MAX_FAILURES_PER_ADDRESS=20)
    other.test_client_class = IsolatedClient
    for email in emails[:3]:
        for _ in range(4):
            _attempt(client, email, "wrong guess")
    with other.app_context():
        other_client = other.test_client()
        for email in emails[3:]:
            for _ in range(4):
                _attempt(other_client, email, "wrong guess")
        refused = _attempt(other_client, fresh, PASSWORD)
        assert any("Too many unsuccessful attempts" in m for m in error_messages(refused))
    refused = _attempt(client, fresh, PASSWORD)
    assert any("Too many unsuccessful attempts" in m for m in error_messages(refused))
