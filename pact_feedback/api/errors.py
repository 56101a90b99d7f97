"""Every API error is `application/problem+json` (RFC 9457), with `errors` by field for
validation problems."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from pact_feedback.core.errors import MESSAGES

PROBLEM_BASE = "https://pact-feedback.example/problems/"


class Problem(Exception):
    def __init__(self, status: int, detail: str, *, kind: str | None = None, errors=None):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.errors = status, detail, kind, errors


def problem_response(status: int, detail: str | None = None, *, kind=None, errors=None):
    title = MESSAGES.get(status, MESSAGES[500])[0]
    body = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or MESSAGES.get(status, MESSAGES[500])[1],
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pact-feedback"'
    return response


def problem_handler(error: Problem):
    return problem_response(error.status, error.detail, kind=error.kind, errors=error.errors)


def http_error_handler(error: HTTPException):
    # `detail`: a sentence written for the client (core.security.UnreadableRequest).
    return problem_response(error.code or 500, getattr(error, "detail", None))


def json_body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise Problem(
            400, "Send a JSON object with Content-Type: application/json", kind="bad-json"
        )
    return body


def invalid(errors: dict):
    raise Problem(422, "Some fields need changing. See errors.", kind="validation", errors=errors)
