"""Security headers, CSP with nonces, and the login manager wiring (whose user loader, a
session row, the factory takes from `pact_feedback.accounts.sessions`)."""

from flask import Flask, g, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest

from pact_feedback.core.inputs import UnreadableInput, json_strings, loads_json
from pact_feedback.core.urls import DatabaseIdConverter

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    # No font from another host: the NHS.UK stylesheet is built with the system font stack.
    "font-src": "'self'",
    "connect-src": "'self'",
    # The diary's service worker (/take-part/<slug>/diary/sw.js); no other worker, no blob:.
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class UnreadableRequest(BadRequest):
    """A request the edge will not pass on; `detail` is one sentence for the problem or page."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class CheckedJSONProvider(DefaultJSONProvider):
    """Every JSON body Flask parses (`request.get_json`) goes through `loads_json`: its nesting
    is bounded before parsing and its text is well-formed Unicode after it. A refusal is a
    ValueError, which Werkzeug turns into a 400."""

    def loads(self, s, **kwargs):
        return loads_json(s)


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with two answers that leave the browser's cookie alone:

    - a static file's: it neither varies on the cookie nor sets it. The cookie changes as the
      person uses the app (its signature carries a time), so `Vary: Cookie` made the browser ask
      again for every kept file on the next page; and a refreshed session cookie has no place
      beside a public, year-long answer;
    - one that calls `leave_session_cookie()`: a request sent with a kept session's token just
      replaced, whose browser already holds the new one (accounts/sessions.py)."""

    def open_session(self, app, request):
        # No cookie (every API call): Flask's empty session, without first building the
        # signing serializer it would not use.
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.endpoint == "static" or g.get("leave_session_cookie"):
            return
        if not session and not session.modified:
            # Nothing to set or delete: what Flask's save_session would do, without reading
            # seven cookie settings first.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def leave_session_cookie(leave: bool = True) -> None:
    """This answer sets no session cookie (or, `leave=False`, does again)."""
    g.leave_session_cookie = leave


def init_security(app: Flask, talisman, login_manager) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is registered
    app.session_interface = SessionCookie()
    app.json = CheckedJSONProvider(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        strict_transport_security_max_age=31536000,
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own session rows do this, with revocation

    @app.before_request
    def _refuse_unreadable_requests():
        # First of all hooks, before authentication and routing: any body, to any URL.
        # Parsed once, by Flask (kept for _has_nul and the view); None: unreadable, or `null`.
        if (
            request.is_json
            and request.get_data(cache=True)
            and request.get_json(silent=True) is None
        ):
            _check_json_body()
        if _has_nul(request):
            # PostgreSQL cannot store U+0000 in text: refuse it, not a 500.
            raise UnreadableRequest("The request holds a NUL character, which no text has.")

    @app.after_request
    def _no_store_for_signed_in_pages(response):
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def _has_nul(req) -> bool:
    """Whether the path, query string, a form field, an uploaded file or a JSON string holds
    U+0000."""
    query = [text for key, values in req.args.lists() for text in [key, *values]]
    if "\x00" in req.path or any("\x00" in text for text in query):
        return True
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Uploaded files are not checked here: every import reads them with
        # core.inputs.read_text_file, which names the encoding (a UTF-16 file is full of NULs).
        fields = [v for _, values in req.form.lists() for v in values]
        names = [f.filename or "" for f in req.files.values()]
        return any("\x00" in text for text in fields + names + list(req.form))
    if req.is_json:
        return any("\x00" in text for text in json_strings(req.get_json(silent=True)))
    return False


def _check_json_body() -> None:
    """Refuse a JSON body loads_json will not read, with its reason (parsed again: only for a
    body Flask's parse, through CheckedJSONProvider, did not read)."""
    try:
        loads_json(request.get_data(cache=True))
    except UnreadableInput as refusal:
        raise UnreadableRequest(str(refusal)) from None
