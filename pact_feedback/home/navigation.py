"""What every page's header offers the signed-in person, and the role names templates show."""

from flask import Flask, has_request_context, url_for
from flask_login import current_user

from pact_feedback.accounts import access
from pact_feedback.accounts.roles import ROLE_LABELS, STAFF_ROLE_LABELS


def init_app(app: Flask) -> None:
    """Registered explicitly by the factory: the only helpers pushed into every template."""
    app.jinja_env.globals.update(
        access=access, ROLE_LABELS=ROLE_LABELS, STAFF_ROLE_LABELS=STAFF_ROLE_LABELS
    )

    @app.context_processor
    def _navigation():
        # Emails are rendered from the command line too, where there is no page to navigate.
        return {"navigation_items": navigation_items()} if has_request_context() else {}


def navigation_items() -> list[dict]:
    if not current_user or not current_user.is_authenticated:
        return [{"href": url_for("accounts.login"), "text": "Sign in"}]
    items = [{"href": url_for("home.index"), "text": "Home"}]
    if access.is_study_team(current_user):
        items.append({"href": url_for("studies.index"), "text": "Studies"})
    if access.is_global_study_team(current_user):
        items.append({"href": url_for("practices.index"), "text": "Practices"})
        items.append({"href": url_for("team.index"), "text": "Study team"})
        items.append({"href": url_for("audit.index"), "text": "Audit log"})
    items.append({"href": url_for("accounts.change_password"), "text": "Password"})
    return items
