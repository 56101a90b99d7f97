"""Security headers, CSP with nonces, and the login manager wiring."""

from flask import Flask

from pact_feedback.accounts.sessions import load_session_user
from pact_feedback.core.urls import DatabaseIdConverter

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    # The NHS.UK CSS loads Frutiger from the NHS asset host; pages fall back to Arial without it.
    "font-src": ["'self'", "https://assets.nhs.uk"],
    "connect-src": "'self'",
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
    login_manager.user_loader(load_session_user)

    @app.after_request
    def _no_store_for_signed_in_pages(response):
        response.headers.setdefault("Cache-Control", "no-store")
        return response
