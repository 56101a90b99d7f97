"""NHS-styled error pages; JSON problems for clients that ask for JSON."""

import math
import time

from flask import Flask, current_app, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from pact_feedback.extensions import db, limiter

MESSAGES = {
    400: ("There is a problem with your request", "Go back, check what you entered and try again."),
    403: ("You do not have access to this page", "If you think you should, ask your study team."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This action is not allowed here", "Go back and try again from the page you were on."),
    410: ("This link is no longer valid", "It may have expired or already been used."),
    413: ("The file is too large", "Files must be smaller than 5 MB."),
    422: ("There is a problem with what you entered", "Check the messages and try again."),
    429: ("Too many attempts", "Wait a few minutes before trying again."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing was saved."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, detail: str | None = None):
    title, hint = MESSAGES.get(code, MESSAGES[500])
    if isinstance(request.routing_exception, SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page template either.
        title, hint = MESSAGES[400]
        return f"{title}. {hint}\n", 400, {"Content-Type": "text/plain; charset=utf-8"}
    if _wants_json():
        body = {"type": "about:blank", "title": title, "status": code, "detail": detail or hint}
        return body, code, {"Content-Type": "application/problem+json"}
    return render_template("errors/error.html", code=code, title=title, hint=detail or hint), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(
            400, "The form expired or was sent from elsewhere. Reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        # `detail`: a sentence written for the user (core.security.UnreadableRequest).
        return render_error(error.code or 500, getattr(error, "detail", None))

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        response = make_response(render_error(429))
        response.headers["Retry-After"] = str(seconds_until_retry(error))
        return response

    @app.errorhandler(InternalServerError)
    def _internal(error):

        db.session.rollback()
        return render_error(500)


def seconds_until_retry(error: RateLimitExceeded) -> int:
    """Seconds until the breached limit's window resets, for Retry-After. Rate-limit headers are
    off on ordinary responses (two more Redis round trips on every request, measured in
    docs/performance.md); a refused client still learns when to come back. If the counter
    store cannot say, the whole window is the safe answer."""

    try:
        breached = limiter.current_limit
        if breached is not None:
            return seconds_until(breached.window.reset_time)
    except Exception:  # noqa: BLE001  (a Redis outage must not turn a 429 into a 500)
        current_app.logger.warning("rate-limit window unknown; Retry-After is the whole window")
    return int(error.limit.limit.get_expiry())


def seconds_until(reset_time: float) -> int:
    """Retry-After for a rate-limit window that resets at `reset_time` (epoch seconds)."""
    return max(1, math.ceil(reset_time - time.time()))
