"""The home page each person lands on."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from pact_feedback.diary.views import next_step
from pact_feedback.home.dashboard import dashboard_for

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    return render_template(
        "home/index.html", dashboard=dashboard_for(current_user), diary_next_step=next_step
    )
