"""Pages that belong to no one feature: a health check for load balancers, accessibility and
privacy statements."""

from flask import Blueprint, render_template
from sqlalchemy import text

from pact_feedback.extensions import db

bp = Blueprint("core", __name__)


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
