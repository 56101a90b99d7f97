"""The home page each person lands on, and a health check for load balancers."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from pact_feedback.core.dashboard import dashboard_for
from pact_feedback.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def home():
    return render_template("core/home.html", dashboard=dashboard_for(current_user))


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/accessibility")
def accessibility():
    return render_template("core/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("core/privacy.html")
