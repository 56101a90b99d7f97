"""A participant's pages for a study: consent, then the study's landing page."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from pact_feedback.core.access import participation_in, require
from pact_feedback.core.render import form_page
from pact_feedback.participation.actions import current_consent, give_consent
from pact_feedback.participation.forms import ConsentForm
from pact_feedback.studies.actions import study_by_slug

bp = Blueprint("participation", __name__, url_prefix="/take-part")


def _my_participation(slug: str):
    study = study_by_slug(slug)
    if study is None:
        abort(404)
    membership = participation_in(current_user, study)
    require(membership is not None, hide=True)
    return membership


@bp.route("/<slug>/consent", methods=["GET", "POST"])
@login_required
def consent(slug):
    membership = _my_participation(slug)
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
    membership = _my_participation(slug)
    consent = current_consent(membership)
    if consent is None:
        from pact_feedback.governance.consent import withdrawn_consent

        consent = withdrawn_consent(membership)  # no re-consent asked of someone who left
    if consent is None:
        return redirect(url_for("participation.consent", slug=slug))
    return render_template(
        "participation/study.html", membership=membership, study=membership.study, consent=consent
    )
