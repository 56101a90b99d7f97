"""The study team's running pages: settings, stage changes with a confirmation, people."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import is_global_study_team, require
from pact_feedback.accounts.roles import PRACTICE_LEAD, ROLE_LABELS, STUDY_TEAM
from pact_feedback.core.render import form_page
from pact_feedback.studies.access import managed_study
from pact_feedback.study_admin import settings, stages
from pact_feedback.study_admin.coverage import STATES, lead_coverage
from pact_feedback.study_admin.forms import ConfirmForm, RemoveRoleForm, SettingsForm
from pact_feedback.study_admin.people import RemovalRefused, describe, remove_role, study_people

bp = Blueprint("study_admin", __name__, url_prefix="/studies")


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@login_required
def edit_settings(slug):
    study = managed_study(slug)
    current = settings.current_settings(study)
    form = SettingsForm(data={**current, "wave_months": settings.show(current["wave_months"])})
    if request.method == "POST":
        form = SettingsForm()
    plan = None
    if form.validate_on_submit():
        plan = settings.plan_settings(study, form.wanted())
        for name, problems in plan.problems.items():
            form[name].errors.extend(problems)
        if not plan.problems and not plan.changes:
            flash("Nothing changed.", "success")
            return redirect(url_for("studies.detail", slug=slug))
        if not plan.problems and form.confirm.data == "yes":
            settings.apply_settings(study, plan, by=current_user)
            flash("Study settings saved.", "success")
            return redirect(url_for("studies.detail", slug=slug))
    return form_page(
        "study_admin/settings.html",
        form,
        study=study,
        plan=plan,
        labels=settings.LABELS,
        show=settings.show,
    )


@bp.route("/<slug>/stage/<to>", methods=["GET", "POST"])
@login_required
def change_stage(slug, to):
    study = managed_study(slug)
    try:
        proposed = stages.plan(study, to)
    except stages.StageRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("studies.detail", slug=slug))
    # The post must name the stage the person saw offered; a stale or empty one changes nothing.
    form = ConfirmForm() if request.method == "POST" else ConfirmForm(to=to)
    if request.method == "POST":
        if not form.validate_on_submit() or form.to.data != to:
            flash("The page was out of date. Check the step and confirm again.", "error")
            return redirect(url_for("study_admin.change_stage", slug=slug, to=to))
        try:
            done = stages.perform(study, to, by=current_user)
        except stages.StageRefused as refusal:
            flash(str(refusal), "error")
            return redirect(url_for("study_admin.change_stage", slug=slug, to=to))
        flash(f"The study is now at the stage: {study.stage.label}.", "success")
        if done.job is not None:  # follow its emails being sent
            return redirect(url_for("jobs.show", run_id=done.job.id))
        return redirect(url_for("studies.detail", slug=slug))
    status = 200 if proposed.allowed else 409
    return render_template("study_admin/stage.html", study=study, plan=proposed, form=form), status


@bp.app_context_processor
def _study_page_helpers():
    """The study page (studies blueprint) shows stage steps and lead coverage from here."""

    def lead_states(study) -> dict:
        return {row.practice.id: row for row in lead_coverage(study)}

    return {
        "stage_neighbours": stages.neighbours,
        "lead_states": lead_states,
        "lead_labels": STATES,
    }


@bp.route("/<slug>/people")
@login_required
def people(slug):
    study = managed_study(slug)
    return render_template(
        "study_admin/people.html", study=study, people=study_people(study), labels=ROLE_LABELS
    )


@bp.route("/<slug>/people/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_person(slug, membership_id):
    study = managed_study(slug)
    membership = next(
        (m for ms in study_people(study).values() for m in ms if m.id == membership_id), None
    )
    if membership is None:
        abort(404)
    if membership.role == STUDY_TEAM and membership.study_id is None:
        require(is_global_study_team(current_user))
    form = RemoveRoleForm()
    if form.validate_on_submit():
        try:
            done = remove_role(membership, by=current_user, hand_to=form.hand_to.data or None)
        except RemovalRefused as refusal:
            form.hand_to.errors.append(str(refusal))
        else:
            handed = f" {done.handed_to} was invited as the new lead." if done.handed_to else ""
            flash(f"Role removed; {done.sessions_ended} session(s) ended.{handed}", "success")
            return redirect(url_for("study_admin.people", slug=slug))
    return form_page(
        "study_admin/remove.html",
        form,
        study=study,
        membership=membership,
        what=describe(membership),
        is_lead=membership.role == PRACTICE_LEAD,
    )
