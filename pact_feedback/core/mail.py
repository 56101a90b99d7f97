"""Sending email: templates under templates/emails/, a plain-text body, through flask-mailman."""

import smtplib
import time

from flask import current_app, render_template
from flask_mailman import EmailMessage


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email: always on SERVER_BASE_URL (required in production), never
    on the request's Host header, which whoever sends the request chooses."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["SERVER_BASE_URL"].rstrip("/") + path


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


def send_email_or_log(to: str, subject: str, template: str, **context) -> bool:
    """`send_email`, tried MAIL_SEND_ATTEMPTS times a short pause apart when the mail server is
    unreachable or refuses; after the last failure the error is logged and False returned, so
    the caller can answer as if it had been sent (a password reset must not tell a stranger
    which addresses have accounts) and record the failure for the study team. A reset link is
    wanted now or not at all, so it is tried in the request rather than queued (pact_feedback.jobs
    sends the bulk mail)."""
    attempts = max(1, current_app.config["MAIL_SEND_ATTEMPTS"])
    for attempt in range(1, attempts + 1):
        try:
            send_email(to, subject, template, **context)
            return True
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning(
                "email %r: attempt %d of %d failed: %s", template, attempt, attempts, error
            )
            if attempt < attempts:
                time.sleep(0.25 * attempt)
    current_app.logger.error("email %r not sent after %d attempts", template, attempts)
    return False
