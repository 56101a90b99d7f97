"""Every route of the app, as every role: CSRF on every form POST, security headers on every GET
(and HSTS in the production config), and no GET that changes anything in the database.

Routes come from the app's url_map, so a route added later is covered without a new row here;
the objects they name come from the access matrix's world (another practice, another
participant's day...)."""

import pytest

from pact_feedback.extensions import db
from tests.access_rows import ROLES
from tests.conftest import PRODUCTION_SETTINGS, IsolatedClient, login
from tests.security._world import (
    READ_ACTIONS,
    audit_actions_since,
    changed_tables,
    last_audit_id,
    routes,
    snapshot,
    url,
)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The JSON API authenticates by bearer token and never reads cookies, so it has no CSRF token
# to check (tests/fuzz and tests/diary/test_api.py prove that it refuses requests without one).
CSRF_EXEMPT_PREFIX = "api_v1."


def _signed_in(client, world_users, role):
    if role != "anonymous":
        login(client, world_users[role])


@pytest.mark.parametrize("role", ROLES)
def test_every_form_post_without_a_csrf_token_is_refused(app, client, world, role):
    """Missing or forged token: 400 on every form route, and no row written or changed."""
    users, values = world
    _signed_in(client, users, role)
    targets = [r for r in routes(app, WRITE_METHODS) if not r[0].startswith(CSRF_EXEMPT_PREFIX)]
    assert len(targets) > 40  # the whole app, not a sample
    before = snapshot(with_logs=True)
    wrong = {}
    for endpoint, method in targets:
        response = client.open(url(app, endpoint, values), method=method, data={})
        if response.status_code != 400:
            wrong[f"{method} {endpoint}"] = response.status_code
        forged = client.open(
            url(app, endpoint, values), method=method, data={"csrf_token": "forged.token"}
        )
        if forged.status_code != 400:
            wrong[f"{method} {endpoint} (forged token)"] = forged.status_code
    assert wrong == {}, f"accepted without a valid CSRF token as {role}"
    assert changed_tables(before, snapshot(with_logs=True)) == {}


def _check_headers(response) -> list[str]:
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp or "default-src 'self'" not in csp:
        problems.append("CSP")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows inline code")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if headers.get("Referrer-Policy") != "strict-origin-when-cross-origin":
        problems.append("Referrer-Policy")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_sends_security_headers_and_changes_nothing(app, client, world, role):
    """Headers on every response (pages, files, JSON, redirects, errors); the database rows are
    identical before and after visiting every GET route, apart from the read logs (report
    views and downloads, exports, refusals), which only gain read entries."""
    users, values = world
    _signed_in(client, users, role)
    targets = routes(app, {"GET"})
    assert len(targets) > 60
    before, first_event = snapshot(), last_audit_id()
    missing = {}
    statuses = {}
    for endpoint, _method in targets:
        response = client.get(url(app, endpoint, values))
        statuses[endpoint] = response.status_code
        if problems := _check_headers(response):
            missing[endpoint] = problems
        assert response.status_code < 500, endpoint
    assert missing == {}
    assert changed_tables(before, snapshot()) == {}, f"a GET changed the database as {role}"
    assert audit_actions_since(first_event) <= READ_ACTIONS
    # The walk reached real pages, not only redirects to sign-in.
    assert (200 in statuses.values()) is True


def test_production_config_sends_hsts_on_every_get_route(another_app, world):
    users, values = world
    email = users["lead"].email
    # `url()` builds paths in a request context for localhost, so that host is trusted too.
    prod = another_app(
        "production",
        FORCE_HTTPS=False,
        **PRODUCTION_SETTINGS,
        TRUSTED_HOSTS=["pact.test", "localhost"],
    )
    prod.test_client_class = IsolatedClient
    with prod.app_context():
        client = prod.test_client()
        response = client.get("/account/sign-in", base_url="https://pact.test")
        assert response.headers["Set-Cookie"]
        assert "Secure" in response.headers["Set-Cookie"]
        assert "HttpOnly" in response.headers["Set-Cookie"]
        missing = []
        for endpoint, _method in routes(prod, {"GET"}):
            response = client.get(url(prod, endpoint, values), base_url="https://pact.test")
            hsts = response.headers.get("Strict-Transport-Security", "")
            if "max-age=31536000" not in hsts or _check_headers(response):
                missing.append(endpoint)
        assert missing == []
        assert email  # the world was built on the shared database the production app reads
        db.session.remove()


def test_ids_beyond_the_database_range_are_not_found_not_errors(app, client, world):
    """Every `<int:...>` in every route, set past what the database can hold, names no object:
    404 (the API asks for its token first: 401), never a 500 from the database driver."""
    users, values = world
    login(client, users["team"])
    huge = {**values, **{k: 2**63 for k, v in values.items() if isinstance(v, int)}}
    checked = 0
    for endpoint, method in routes(app, {"GET"}):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        ints = [name for name in rule.arguments if isinstance(values.get(name), int)]
        if not ints:
            continue
        path = url(app, endpoint, values)
        for name in ints:
            path = path.replace(f"/{values[name]}", f"/{huge[name]}", 1)
        expected = 401 if endpoint.startswith(CSRF_EXEMPT_PREFIX) else 404
        assert client.open(path, method=method).status_code == expected, path
        checked += 1
    assert checked > 10
