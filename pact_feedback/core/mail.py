"""Sending email: templates under templates/emails/, a plain-text body, through flask-mailman."""

from flask import current_app, has_request_context, render_template, url_for
from flask_mailman import EmailMessage


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, using SERVER_BASE_URL when the app is behind a proxy."""
    base = current_app.config.get("SERVER_BASE_URL")
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    # From the command line there is no request to take the host from.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (base or "http://127.0.0.1:5000").rstrip("/") + path


def build_email(to: str, subject: str, template: str, **context) -> EmailMessage:
    """A message from templates/emails/<template>.txt, not yet sent (jobs send in bulk)."""
    body = render_template(f"emails/{template}.txt", **context)
    return EmailMessage(
        subject=f"PACT Feedback: {subject}",
        body=body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
    )


def send_email(to: str, subject: str, template: str, **context) -> None:
    build_email(to, subject, template, **context).send()
