"""The study team's own page: who is on it, and inviting a new member for every study or one.
It lives with studies because a member's reach is a study (or all of them)."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from pact_feedback.accounts.access import is_global_study_team, require
from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.forms import TeamInviteForm
from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.core.render import form_page
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.studies.queries import all_studies, study_team_members

bp = Blueprint("team", __name__, url_prefix="/account")


@bp.route("/team", methods=["GET", "POST"])
@login_required
def index():
    """The study team: who is on it, and inviting a new member (for every study or one)."""
    require(is_global_study_team(current_user))
    form = TeamInviteForm()
    form.study.choices = [SelectChoice("", "Every study")] + [
        SelectChoice(s.slug, s.display_name) for s in all_studies()
    ]
    if form.validate_on_submit():
        study = study_by_slug(form.study.data) if form.study.data else None
        invite(
            email=form.email.data,
            name=form.name.data or "",
            role=STUDY_TEAM,
            study=study,
            by=current_user,
        )
        flash(f"Invitation sent to {form.email.data}.", "success")
        return redirect(url_for("team.index"))
    return form_page("studies/team.html", form, members=study_team_members())
