"""The diary API's answers carry the same headers, whatever makes them cheaper to build: the
security headers (Talisman's, with a fresh CSP nonce), no cookie, no rate-limit headers."""

import re
import uuid

import pytest

from pact_feedback.api.tokens import create_token
from tests.diary.conftest import make_day

CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "Cache-Control": "no-store",
    "Vary": "Accept-Encoding, Cookie",
}


@pytest.fixture
def api_secret(diary):
    return create_token(diary.me, "phone", by=diary.me)[1]


def _post(client, day, secret, body, **kwargs):
    return client.post(
        f"/api/v1/days/{day.id}/entries",
        json=body,
        headers={"Authorization": f"Bearer {secret}"},
        **kwargs,
    )


def _without_nonce(response) -> tuple[dict, str]:
    headers = dict(response.headers)
    nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)
    return headers, nonce


def test_a_new_entry_and_its_replay_carry_exactly_these_headers(app, client, diary, api_secret):
    """Does a 201 and its replayed 200 carry exactly the security headers, and nothing else?"""
    day = make_day(diary.me, diary.study, diary.practice)
    body = {"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5}

    created = _post(client, day, api_secret, body)
    replayed = _post(client, day, api_secret, body)

    headers, nonce = _without_nonce(created)
    entry_id = created.get_json()["id"]
    assert headers == SECURITY | {
        "Content-Type": "application/json",
        "Content-Length": str(len(created.data)),
        "Location": f"/api/v1/entries/{entry_id}",
        "Content-Security-Policy": CSP.format(nonce=nonce),
    }
    again, again_nonce = _without_nonce(replayed)
    assert again_nonce != nonce
    assert again == headers | {
        "Content-Length": str(len(replayed.data)),
        "Content-Security-Policy": CSP.format(nonce=again_nonce),
        "Idempotent-Replayed": "true",
    }


def test_a_signed_in_browsers_session_cookie_is_left_alone(app, client, diary, api_secret):
    """Does an entry sent with a web session cookie leave that cookie alone (no Set-Cookie)?"""
    day = make_day(diary.me, diary.study, diary.practice)
    with client.session_transaction() as session:
        session["note"] = "kept"

    created = _post(
        client, day, api_secret, {"category": "B1", "minutes": 5, "client_id": str(uuid.uuid4())}
    )

    assert created.status_code == 201
    assert "Set-Cookie" not in created.headers
    with client.session_transaction() as session:
        assert session["note"] == "kept"


def test_a_refused_entry_carries_the_same_security_headers(app, client, diary, api_secret):
    """Does a 422 problem carry the security headers too?"""
    day = make_day(diary.me, diary.study, diary.practice)

    refused = _post(client, day, api_secret, {"category": "B1", "minutes": "five"})

    headers, nonce = _without_nonce(refused)
    assert refused.status_code == 422
    assert headers == SECURITY | {
        "Content-Type": "application/problem+json",
        "Content-Length": str(len(refused.data)),
        "Content-Security-Policy": CSP.format(nonce=nonce),
    }
