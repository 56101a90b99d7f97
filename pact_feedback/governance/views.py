"""Participants withdraw or erase their data themselves; the study team can do both for them,
download pseudonymised exports and the audit log as CSV."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.audit.log import record_read
from pact_feedback.core.render import form_page
from pact_feedback.extensions import db
from pact_feedback.governance import actions
from pact_feedback.governance.consent import change_pis_version
from pact_feedback.governance.export import ExportOptions
from pact_feedback.governance.forms import (
    EraseForm,
    ExportForm,
    PisVersionForm,
    RetentionForm,
    WithdrawForm,
)
from pact_feedback.governance.jobs import start_export
from pact_feedback.governance.retention import set_retention
from pact_feedback.participation.access import my_participation
from pact_feedback.participation.actions import withdraw as record_withdrawal
from pact_feedback.participation.actions import withdrawal_for
from pact_feedback.participation.standing import standing_required
from pact_feedback.studies.access import managed_study

bp = Blueprint("governance", __name__)


def _team_participant(study, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.role != PARTICIPANT or membership.study_id != study.id:
        abort(404)
    return membership


# The participant's own choices ---------------------------------------------------------------


@bp.route("/take-part/<slug>/withdraw", methods=["GET", "POST"])
@login_required
@standing_required("withdraw", "erase")  # a withdrawn participant still sees when they left
def withdraw(slug):
    membership = my_participation(slug)[1]
    form = WithdrawForm()
    if form.validate_on_submit():
        record_withdrawal(membership, by=current_user)
        flash("You have withdrawn from the study. We will not collect anything more.", "success")
        return redirect(url_for("participation.study", slug=slug))
    return form_page(
        "governance/withdraw.html",
        form,
        membership=membership,
        study=membership.study,
        withdrawal=withdrawal_for(membership.user_id, membership.study_id),
        held=actions.held_data(membership.user_id, membership.study_id),
        team=False,
    )


@bp.route("/take-part/<slug>/erase", methods=["GET", "POST"])
@login_required
@standing_required("erase")
def erase(slug):
    membership = my_participation(slug)[1]
    form = EraseForm()
    if form.validate_on_submit():
        actions.erase(membership, by=current_user)
        flash("Your diary data and your private report have been erased.", "success")
        return redirect(url_for("participation.study", slug=slug))
    return form_page(
        "governance/erase.html",
        form,
        membership=membership,
        study=membership.study,
        held=actions.held_data(membership.user_id, membership.study_id),
        team=False,
    )


# The study team -----------------------------------------------------------------------------


@bp.route("/governance/studies/<slug>/participants")
@login_required
def participants(slug):
    study = managed_study(slug)
    memberships = db.session.scalars(
        select(Membership)
        .filter_by(role=PARTICIPANT, study_id=study.id)
        .order_by(Membership.practice_id, Membership.id)
    ).all()
    record_read("participants_viewed", obj=study, rows=len(memberships))  # names and emails shown
    return render_template(
        "governance/participants.html",
        study=study,
        rows=[
            (m, withdrawal_for(m.user_id, study.id), actions.held_data(m.user_id, study.id))
            for m in memberships
        ],
    )


@bp.route(
    "/governance/studies/<slug>/participants/<int:membership_id>/withdraw", methods=["GET", "POST"]
)
@login_required
def team_withdraw(slug, membership_id):
    study = managed_study(slug)
    membership = _team_participant(study, membership_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        record_withdrawal(membership, by=current_user)
        flash(f"{membership.user.email} has been withdrawn from the study.", "success")
        return redirect(url_for("governance.participants", slug=slug))
    return form_page(
        "governance/withdraw.html",
        form,
        membership=membership,
        study=study,
        withdrawal=withdrawal_for(membership.user_id, study.id),
        held=actions.held_data(membership.user_id, study.id),
        team=True,
    )


@bp.route(
    "/governance/studies/<slug>/participants/<int:membership_id>/erase", methods=["GET", "POST"]
)
@login_required
def team_erase(slug, membership_id):
    study = managed_study(slug)
    membership = _team_participant(study, membership_id)
    form = EraseForm()
    if form.validate_on_submit():
        actions.erase(membership, by=current_user)
        flash(f"The diary data of {membership.user.email} has been erased.", "success")
        return redirect(url_for("governance.participants", slug=slug))
    return form_page(
        "governance/erase.html",
        form,
        membership=membership,
        study=study,
        held=actions.held_data(membership.user_id, study.id),
        team=True,
    )


@bp.route("/governance/studies/<slug>/information-sheet", methods=["GET", "POST"])
@login_required
def information_sheet(slug):
    study = managed_study(slug)
    form = PisVersionForm(current=study.pis_version)
    if form.validate_on_submit():
        change_pis_version(study, form.version.data.strip(), by=current_user)
        flash(
            f"The information sheet is now version {study.pis_version}. Participants will be "
            "asked to confirm their consent again before they carry on.",
            "success",
        )
        return redirect(url_for("governance.participants", slug=slug))
    return form_page("governance/information_sheet.html", form, study=study)


@bp.route("/governance/studies/<slug>/retention", methods=["GET", "POST"])
@login_required
def retention(slug):
    study = managed_study(slug)
    form = RetentionForm(months=study.retention_months)
    if form.validate_on_submit():
        set_retention(study, form.months.data, by=current_user)
        flash(f"Data will be kept for {study.retention_months} months after the study closes.")
        return redirect(url_for("governance.participants", slug=slug))
    return form_page("governance/retention.html", form, study=study)


@bp.route("/governance/studies/<slug>/export", methods=["GET", "POST"])
@login_required
def export(slug):
    study = managed_study(slug)
    form = ExportForm(study=study)
    if form.validate_on_submit():
        options = ExportOptions(
            include_notes=form.include_notes.data,
            shift_dates=not form.real_dates.data,
            spreadsheets=form.spreadsheets.data,
        )
        # Built as a job: on the queue a national round's export does not hold a request.
        run = start_export(study, options, by=current_user)
        if run.status == "finished":  # built in-process: straight to the file
            return redirect(url_for("jobs.download", run_id=run.id))
        return redirect(url_for("jobs.show", run_id=run.id))
    return form_page("governance/export.html", form, study=study)
