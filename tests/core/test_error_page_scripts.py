"""Error pages raised before the view runs (CSRF 400, rate-limit 429) still carry the CSP nonce,
so the NHS.UK scripts on them are allowed to run (found by the browser tests)."""

import re

from tests.conftest import csrf_token, page


def _scripts_allowed(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    scripts = page(response).find_all("script")
    assert scripts
    assert {s.get("nonce") for s in scripts} == {nonce.group(1)}


def test_the_csrf_error_page_carries_the_nonce(client):
    response = client.post("/account/sign-in", data={"email": "a@b.org", "password": "x"})
    assert response.status_code == 400
    _scripts_allowed(response)


def test_the_rate_limit_page_carries_the_nonce(app, client):
    token = csrf_token(client, "/account/sign-in")
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])  # "120 per minute"
    for _ in range(allowed + 1):
        response = client.post("/account/sign-in", data={"csrf_token": token})
    assert response.status_code == 429
    _scripts_allowed(response)
