"""Sign-in throttling when many people share one address (a practice, often many practices,
reach the internet through one NHS network address): failures count per account, per (address,
account), and only past a much higher ceiling per address, which does not hold back an account
that has signed in from that address before. A brute force is still stopped."""

import pytest

from tests.conftest import PASSWORD, make_user, page

PRACTICE_ADDRESS = "10.20.30.40"
LOCKED = "Too many unsuccessful attempts"


def _browser(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _sign_in(client, email, password):
    token = page(client.get("/account/sign-in")).find("input", attrs={"name": "csrf_token"})
    return client.post(
        "/account/sign-in",
        data={"csrf_token": token["value"], "email": email, "password": password},
    )


@pytest.fixture
def config(app):
    """Change throttling settings for one test."""
    saved = dict(app.config)
    yield app.config
    app.config.update(saved)


def test_a_practice_of_thirty_with_typos_is_not_locked_out(app, ctx):
    """30 staff behind one address, each mistyping twice before getting it right: 60 failures
    from the address (three times the old ceiling of 20), and every one of them signs in."""
    staff = [make_user(f"staff{n}@practice.example").email for n in range(30)]
    signed_in = 0
    for email in staff:
        browser = _browser(app, PRACTICE_ADDRESS)
        for typo in ("correct horse batery", "Correct horse battery"):
            assert _sign_in(browser, email, typo).status_code == 422
        response = _sign_in(browser, email, PASSWORD)
        signed_in += response.status_code == 302
    assert signed_in == 30


def test_a_brute_force_on_one_account_from_one_address_is_stopped(app, ctx):
    email = make_user("target@practice.example").email
    attacker = _browser(app, "203.0.113.9")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        _sign_in(attacker, email, "guess")
    refused = _sign_in(attacker, email, PASSWORD)
    assert refused.status_code == 422 and LOCKED in refused.get_data(as_text=True)
    # Its owner, at the practice, is not locked out by a stranger's guesses...
    assert _sign_in(_browser(app, PRACTICE_ADDRESS), email, PASSWORD).status_code == 302


def test_a_brute_force_spread_over_addresses_is_stopped(app, ctx):
    """...but guesses from many addresses add up per account, wherever they come from."""
    email = make_user("target@practice.example").email
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        _sign_in(_browser(app, f"198.51.100.{n + 1}"), email, "guess")
    refused = _sign_in(_browser(app, PRACTICE_ADDRESS), email, PASSWORD)
    assert LOCKED in refused.get_data(as_text=True)


def test_spraying_many_accounts_from_one_address_is_stopped_past_the_ceiling(app, ctx, config):
    """Past the address ceiling (lowered here from 300 to 12), accounts never signed in from
    that address are refused even with the right password; an account that signed in from it
    before still gets in, without any challenge."""
    config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 12
    regular = make_user("regular@practice.example").email
    newcomer = make_user("newcomer@practice.example").email
    assert _sign_in(_browser(app, PRACTICE_ADDRESS), regular, PASSWORD).status_code == 302
    victims = [make_user().email for _ in range(4)]
    sprayer = _browser(app, PRACTICE_ADDRESS)
    for email in victims:
        for _ in range(3):
            _sign_in(sprayer, email, "Summer2026!")
    refused = _sign_in(_browser(app, PRACTICE_ADDRESS), newcomer, PASSWORD)
    assert LOCKED in refused.get_data(as_text=True)
    assert _sign_in(_browser(app, PRACTICE_ADDRESS), regular, PASSWORD).status_code == 302
    assert _sign_in(_browser(app, "192.0.2.1"), newcomer, PASSWORD).status_code == 302


def test_the_documented_numbers_are_the_defaults(app):
    """docs/production.md states these; a change here must change it too."""
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"] == 5
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 10
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 300
    assert app.config["LOGIN_RATE_LIMIT"] == "120 per minute"
    with open("docs/production.md") as docs:
        text = docs.read()
    for figure in ("5 failures", "10 failures", "300 failures", "120 sign-in attempts"):
        assert figure in text
