"""The study team's diary pages for a study: diary settings, allocation, and the taxonomy
(add, rename, reorder, retire categories; codes never change). No diary content here."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from pact_feedback.core.render import form_page
from pact_feedback.diary import actions, queries
from pact_feedback.diary.allocation import allocate_days
from pact_feedback.diary.forms import CategoryForm, ConfirmForm, DiarySettingsForm
from pact_feedback.diary.models import Category
from pact_feedback.diary.taxonomy import GROUP_LABELS
from pact_feedback.extensions import db
from pact_feedback.studies.access import managed_study

bp = Blueprint("diary_team", __name__, url_prefix="/studies/<slug>/diary")


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings(slug):
    study = managed_study(slug)
    form = DiarySettingsForm(obj=study if request.method == "GET" else None)
    if form.validate_on_submit():
        actions.update_settings(
            study,
            diary_days_required=form.diary_days_required.data,
            day_selection=form.day_selection.data,
            by=current_user,
        )
        flash("Diary settings saved.", "success")
        return redirect(url_for("diary_team.settings", slug=slug))
    return form_page(
        "diary/team_settings.html",
        form,
        study=study,
        categories=queries.categories_for(study, include_retired=True),
        group_labels=GROUP_LABELS,
        confirm=ConfirmForm(),
    )


@bp.route("/allocate", methods=["POST"])
@login_required
def allocate(slug):
    study = managed_study(slug)
    if ConfirmForm().validate_on_submit():
        if study.day_selection != "allocate":
            flash("This study lets participants choose their own days.", "info")
        else:
            chosen = allocate_days(study, by=current_user)
            flash(
                f"Allocated {sum(len(d) for d in chosen.values())} diary days to "
                f"{len(chosen)} participants who had none.",
                "success",
            )
    return redirect(url_for("diary_team.settings", slug=slug))


@bp.route("/categories/new", methods=["GET", "POST"])
@login_required
def new_category(slug):
    study = managed_study(slug)
    form = CategoryForm()
    if request.method == "GET":
        last = queries.categories_for(study, include_retired=True)
        form.position.data = (max((c.position for c in last), default=0)) + 10
    if form.validate_on_submit():
        try:
            category = actions.add_category(study, form.data, by=current_user)
        except actions.CategoryError as refusal:
            form.code.errors = [str(refusal)]
        else:
            flash(f"Category {category.code} {category.label} added.", "success")
            return redirect(url_for("diary_team.settings", slug=slug))
    return form_page("diary/team_category.html", form, study=study, category=None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def edit_category(slug, category_id):
    study = managed_study(slug)
    category = db.session.get(Category, category_id)
    if category is None or category.study_id != study.id:
        abort(404)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    if form.validate_on_submit():
        actions.update_category(category, form.data, by=current_user)
        flash(f"Category {category.code} saved.", "success")
        return redirect(url_for("diary_team.settings", slug=slug))
    return form_page("diary/team_category.html", form, study=study, category=category)
