"""Errors answer with NHS-styled pages (or JSON problems for API clients), never a bare 500."""

from tests.conftest import csrf_token, page


def _title(response) -> str:
    return page(response).find("h1").get_text(strip=True)


def test_not_found_page_is_styled(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert _title(response) == "Page not found"
    assert page(response).select_one("header.nhsuk-header") is not None


def test_missing_csrf_token_is_a_kind_400(client):
    response = client.post("/account/sign-in", data={"email": "a@b.org", "password": "x"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_too_many_sign_in_requests_get_a_429_page(app, client):
    token = csrf_token(client, "/account/sign-in")
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])  # "120 per minute"
    statuses = [
        client.post(
            "/account/sign-in", data={"csrf_token": token, "email": "a@b.org", "password": "x"}
        ).status_code
        for _ in range(allowed + 1)
    ]
    assert statuses[:allowed] == [422] * allowed
    assert statuses[allowed] == 429
    response = client.post("/account/sign-in", data={"csrf_token": token})
    assert _title(response) == "Too many attempts"


def test_unexpected_errors_get_the_500_page_and_nothing_leaks(app, client, monkeypatch):
    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setitem(app.view_functions, "core.privacy", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/privacy")
    assert response.status_code == 500
    assert _title(response) == "Sorry, there is a problem with the service"
    assert "secret internals" not in response.get_data(as_text=True)


def test_json_clients_get_a_problem_document(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["title"] == "Page not found"


def test_health_check_touches_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_a_429_says_when_to_retry_and_ordinary_answers_carry_no_rate_limit_headers(app, client):
    token = csrf_token(client, "/account/sign-in")
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])  # "120 per minute"
    answers = [
        client.post("/account/sign-in", data={"csrf_token": token, "email": "a@b.org"})
        for _ in range(allowed + 1)
    ]
    assert [a.status_code for a in answers[:allowed]] == [422] * allowed
    assert not any(k.startswith("X-RateLimit") for a in answers for k, _ in a.headers)
    assert "Retry-After" not in answers[0].headers
    refused = answers[allowed]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60  # "per minute": within the window
