"""Security headers, CSP with nonces, and the login manager wiring (whose user loader, a
session row, the factory takes from `pact_feedback.accounts.sessions`)."""

from flask import Flask, abort, request

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


def init_security(app: Flask, talisman, login_manager) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is registered
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
    def _refuse_nul_bytes():
        if _has_nul(request):
            abort(400)  # PostgreSQL cannot store U+0000 in text: refuse it, not a 500

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
        fields = [v for _, values in req.form.lists() for v in values]
        names = [f.filename or "" for f in req.files.values()]
        if any(_file_has_nul(f) for f in req.files.values()):  # every upload is CSV or JSON text
            return True
        return any("\x00" in text for text in fields + names + list(req.form))
    if req.is_json:
        return _json_has_nul(req.get_json(silent=True))
    return False


def _file_has_nul(upload) -> bool:
    found = b"\x00" in upload.stream.read()
    upload.stream.seek(0)
    return found


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False
