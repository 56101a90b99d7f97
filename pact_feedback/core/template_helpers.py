"""Template globals and filters."""

from flask import Flask, get_flashed_messages, has_request_context
from flask_login import current_user

from pact_feedback.accounts.roles import ROLE_LABELS, STAFF_ROLE_LABELS
from pact_feedback.core import access


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        access=access,
        ROLE_LABELS=ROLE_LABELS,
        STAFF_ROLE_LABELS=STAFF_ROLE_LABELS,
        get_flashed_messages=get_flashed_messages,
    )
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["uk_datetime"] = uk_datetime

    @app.context_processor
    def _navigation():
        # Emails are rendered from the command line too, where there is no page to navigate.
        return {"navigation_items": navigation_items()} if has_request_context() else {}


def uk_date(value) -> str:
    return value.strftime("%-d %B %Y") if value else "Not set"


def uk_datetime(value) -> str:
    return value.strftime("%-d %B %Y at %H:%M") if value else "Not yet"


def navigation_items() -> list[dict]:
    from flask import url_for

    if not current_user or not current_user.is_authenticated:
        return [{"href": url_for("accounts.login"), "text": "Sign in"}]
    items = [{"href": url_for("core.home"), "text": "Home"}]
    if access.is_study_team(current_user):
        items.append({"href": url_for("studies.index"), "text": "Studies"})
    if access.is_global_study_team(current_user):
        items.append({"href": url_for("practices.index"), "text": "Practices"})
        items.append({"href": url_for("accounts.team"), "text": "Study team"})
        items.append({"href": url_for("audit.index"), "text": "Audit log"})
    items.append({"href": url_for("accounts.change_password"), "text": "Password"})
    return items
