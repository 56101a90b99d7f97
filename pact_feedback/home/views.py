"""The home page each person lands on."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from pact_feedback.casebook.actions import has_record_audit
from pact_feedback.casebook.views import next_step as audit_next_step
from pact_feedback.diary.views import next_step as diary_next_step
from pact_feedback.home.dashboard import dashboard_for

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    dashboard = dashboard_for(current_user)
    return render_template(
        "home/index.html",
        dashboard=dashboard,
        next_step=next_step,
        keeps_diary=any(not has_record_audit(m.study) for m in dashboard.participations),
    )


def next_step(membership) -> dict | None:
    """A participant's first action on the home page, by how their study collects data: a
    record audit leads to the practice's cases, any other study to the diary."""
    if has_record_audit(membership.study):
        return audit_next_step(membership)
    return diary_next_step(membership)
