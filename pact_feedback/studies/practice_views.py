"""A practice lead's page of their practice in PACT studies: participation counts (never
anyone's diary) and inviting colleagues. The study team sees the same page for any practice."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from pact_feedback.accounts.access import (
    is_study_team,
    leads_practice,
    require,
)
from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.core.render import form_page
from pact_feedback.extensions import db
from pact_feedback.studies.access import visible_practice
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.studies.forms import InviteForm
from pact_feedback.studies.models import Enrolment
from pact_feedback.studies.queries import participation_counts

bp = Blueprint("practice_lead", __name__, url_prefix="/practices")

INVITABLE_STATUSES = {"setup", "recruiting", "collecting"}


@bp.route("/<ods_code>")
@login_required
def detail(ods_code):
    practice = visible_practice(ods_code)
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.practice_id == practice.id)
    ).all()
    rows = [(e, participation_counts(e.study).get(practice.id, {})) for e in enrolments]
    return render_template(
        "practice_lead/detail.html", practice=practice, rows=rows, invitable=INVITABLE_STATUSES
    )


@bp.route("/<ods_code>/studies/<slug>/invite", methods=["GET", "POST"])
@login_required
def invite_participant(ods_code, slug):
    practice = visible_practice(ods_code)
    study = study_by_slug(slug)
    if study is None or practice.id not in {e.practice_id for e in study.enrolments}:
        abort(404)
    require(leads_practice(current_user, practice) or is_study_team(current_user, study))
    form = InviteForm()
    if study.status not in INVITABLE_STATUSES:
        return render_template(
            "practice_lead/invite_closed.html", practice=practice, study=study
        ), 409
    if form.validate_on_submit():
        invite(
            email=form.email.data,
            name=form.name.data or "",
            role=PARTICIPANT,
            practice=practice,
            study=study,
            by=current_user,
        )
        flash(
            f"Invitation sent to {form.email.data}. They will appear in your counts once "
            "they join.",
            "success",
        )
        return redirect(url_for("practice_lead.detail", ods_code=practice.ods_code))
    return form_page("practice_lead/invite_participant.html", form, practice=practice, study=study)
