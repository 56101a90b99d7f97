"""Bearer tokens and the API's own rate limit. No cookies are read: a signed-in browser
session does not authenticate the API."""

from typing import NamedTuple

from flask import g, request
from limits import parse as parse_limit

from pact_feedback.accounts.models import User
from pact_feedback.api import NAME
from pact_feedback.api.errors import Problem, problem_response
from pact_feedback.api.tokens import accepted_user_id, token_key, user_id_for_token
from pact_feedback.core.errors import seconds_until
from pact_feedback.extensions import db, limiter

PUBLIC_ENDPOINTS = {"api_v1.openapi", "api_v1.docs"}


API_RATE_LIMIT = parse_limit("600 per minute")  # per token (per address without one)


def rate_key():
    header = request.headers.get("Authorization", "")
    return header[7:19] if header.startswith("Bearer ") else (request.remote_addr or "unknown")


def counted_by_the_api() -> bool:
    """The API counts its own requests (over_the_rate_limit): the same `limits` strategy and
    Redis storage as Flask-Limiter, in one call, without Flask-Limiter's per-request
    bookkeeping, which cost a diary write ~0.4 ms of CPU (docs/performance.md)."""
    return request.blueprint == NAME


def over_the_rate_limit():
    """None, or the 429 problem, with Retry-After, for a caller over API_RATE_LIMIT."""
    if not limiter.enabled:
        return None
    key = rate_key()
    if limiter.limiter.hit(API_RATE_LIMIT, NAME, key):
        return None
    reset_at = limiter.limiter.get_window_stats(API_RATE_LIMIT, NAME, key).reset_time
    response = problem_response(
        429, "More than 600 requests a minute with one token: wait a little", kind="rate-limit"
    )
    response.headers["Retry-After"] = str(seconds_until(reset_at))
    return response


UNAUTHORISED = (
    "Send a valid personal access token: Authorization: Bearer <token>. "
    "Create one on the API access page of your account."
)

# Endpoints that look the caller's token up in their own first statement (`token_key` in
# g.api_token_key, then `accept_caller` with the row): one round trip fewer on a hot path.
TOKEN_CHECKED_BY_THE_VIEW = {f"{NAME}.create_entry"}


def authenticate():
    refused = over_the_rate_limit()
    if refused is not None:
        return refused
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip() if scheme.lower() == "bearer" else ""
    if request.endpoint in TOKEN_CHECKED_BY_THE_VIEW:
        g.api_token_key = token_key(secret)
        if g.api_token_key is not None:
            return None  # the view's first statement checks it (accept_caller)
        return problem_response(401, UNAUTHORISED, kind="unauthorised")
    user_id = user_id_for_token(secret)
    if user_id is None:
        db.session.commit()
        return problem_response(401, UNAUTHORISED, kind="unauthorised")
    g.api_user_id = user_id
    return None


def accept_caller(token_row) -> int:
    """For a view in TOKEN_CHECKED_BY_THE_VIEW: the caller's user id from the values of
    `tokens.TOKEN_COLUMNS` its statement found by g.api_token_key (None: no open token), set
    as g.api_user_id; the same 401 as `authenticate` when there is no such caller."""
    user_id = accepted_user_id(*token_row) if token_row is not None else None
    if user_id is None:
        raise Problem(401, UNAUTHORISED, kind="unauthorised")
    g.api_user_id = user_id
    return user_id


class Caller(NamedTuple):
    """Who is writing, for the audit row, when nothing else about them is needed."""

    id: int


def api_user() -> User:
    """The caller (loaded when first asked: writing an entry needs only their id)."""
    return db.session.get(User, g.api_user_id)


def commit_token_use(response):
    if db.session().in_transaction():
        db.session.commit()  # last_used_at, at most once a minute
    response.headers["Cache-Control"] = "no-store"
    return response
