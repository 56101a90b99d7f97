"""A participant's pages for a study: consent, then the study's landing page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from pact_feedback.core.render import form_page
from pact_feedback.participation.access import my_participation
from pact_feedback.participation.actions import give_consent, latest_consent
from pact_feedback.participation.forms import ConsentForm
from pact_feedback.participation.standing import Stage, standing_of, standing_required

bp = Blueprint("participation", __name__, url_prefix="/take-part")


@bp.route("/<slug>/consent", methods=["GET", "POST"])
@login_required
@standing_required("consent", "change_role")  # not after withdrawal: the diary stays closed
def consent(slug):
    membership = my_participation(slug)[1]
    form = ConsentForm(staff_role=membership.staff_role)
    if form.validate_on_submit():
        give_consent(membership, staff_role=form.staff_role.data, by=current_user)
        flash("Thank you. Your consent has been recorded.", "success")
        return redirect(url_for("participation.study", slug=slug))
    return form_page(
        "participation/consent.html", form, membership=membership, study=membership.study
    )


@bp.route("/<slug>")
@login_required
def study(slug):
    study, membership = my_participation(slug)
    standing = standing_of(membership.user_id, study)
    if standing.stage in (Stage.INVITED, Stage.NEEDS_RECONSENT):
        return redirect(url_for("participation.consent", slug=slug))
    return render_template(
        "participation/study.html",
        membership=membership,
        study=study,
        consent=latest_consent(membership.user_id, study.id),
        standing=standing,
    )
