"""QI pages: a practice's projects, a person's private projects, measures, values, cycles."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import require
from pact_feedback.core.render import form_page
from pact_feedback.extensions import db
from pact_feedback.practices.importing import practices_by_code
from pact_feedback.qi import actions, export, queries
from pact_feedback.qi.forms import (
    CsrfOnlyForm,
    CycleForm,
    MeasureForm,
    NewProjectForm,
    ProjectForm,
    ValueForm,
)
from pact_feedback.qi.models import PDSACycle, QIMeasure, QIMeasureValue, QIProject
from pact_feedback.qi.starting import Start, start_from_request

bp = Blueprint("qi", __name__)


def _member_practice(ods_code: str):
    practice = practices_by_code([ods_code.upper()]).get(ods_code.upper())
    if practice is None:
        abort(404)
    require(queries.is_practice_member(current_user, practice.id), hide=True)
    return practice


def _project(qi_id: int) -> QIProject:
    project = queries.project_with_details(qi_id)
    if project is None:
        abort(404)
    # Another practice's or person's project must not even be confirmed to exist.
    require(queries.can_use(current_user, project), hide=True)
    return project


def _child(model, child_id: int, project: QIProject, attribute: str = "project_id"):
    child = db.session.get(model, child_id)
    if child is None or getattr(child, attribute) != project.id:
        abort(404)
    return child


def _measure(project: QIProject, measure_id: int) -> QIMeasure:
    return _child(QIMeasure, measure_id, project)


def _back(project: QIProject) -> str:
    if project.is_private:
        return url_for("qi.mine")
    return url_for("qi.practice_projects", ods_code=project.practice.ods_code)


@bp.route("/practices/<ods_code>/qi")
@login_required
def practice_projects(ods_code):
    practice = _member_practice(ods_code)
    return render_template(
        "qi/practice_projects.html",
        practice=practice,
        projects=queries.practice_projects(practice.id),
        outlines=Start.outlines(),
    )


@bp.route("/my/qi")
@login_required
def mine():
    return render_template(
        "qi/mine.html",
        projects=queries.private_projects(current_user.id),
        practices=queries.member_practices(current_user),
        outlines=Start.outlines(),
    )


@bp.route("/practices/<ods_code>/qi/new", methods=["GET", "POST"])
@login_required
def new_practice_project(ods_code):
    practice = _member_practice(ods_code)
    start = start_from_request(request.args, practice=practice)
    return _new_project(start, practice=practice)


@bp.route("/my/qi/new", methods=["GET", "POST"])
@login_required
def new_private_project():
    start = start_from_request(request.args, user=current_user)
    return _new_project(start, owner=current_user)


def _new_project(start: Start, *, practice=None, owner=None):
    form = NewProjectForm(data=start.form_data() if request.method == "GET" else None)
    form.add_suggestions.choices = dict(start.suggestion_choices())
    if form.validate_on_submit():
        fields = {name: form[name].data for name in actions.PROJECT_FIELDS}
        chosen = set(form.add_suggestions.data or [])
        project = actions.create_project(
            by=current_user,
            fields=fields,
            practice=practice,
            owner=owner,
            report=start.report,
            finding=start.finding,
            measures=[m for i, m in enumerate(start.measures) if f"measure-{i}" in chosen],
            cycle=start.first_cycle if "cycle" in chosen else None,
        )
        flash(f"Project “{project.title}” started.", "success")
        return redirect(url_for("qi.project", qi_id=project.id))
    return form_page(
        "qi/new_project.html", form, start=start, practice=practice, private=owner is not None
    )


@bp.route("/qi/<int:qi_id>")
@login_required
def project(qi_id):
    project = _project(qi_id)
    return render_template(
        "qi/project.html", project=project, charts=export.charts(project), back=_back(project)
    )


@bp.route("/qi/<int:qi_id>/edit", methods=["GET", "POST"])
@login_required
def edit_project(qi_id):
    project = _project(qi_id)
    form = ProjectForm(obj=project)
    if form.validate_on_submit():
        fields = {name: form[name].data for name in actions.PROJECT_FIELDS}
        actions.update_project(project, by=current_user, fields=fields)
        flash("Project saved.", "success")
        return redirect(url_for("qi.project", qi_id=project.id))
    return form_page("qi/edit_project.html", form, project=project)


@bp.route("/qi/<int:qi_id>/measures/new", methods=["GET", "POST"])
@login_required
def new_measure(qi_id):
    return _measure_page(_project(qi_id), None)


@bp.route("/qi/<int:qi_id>/measures/<int:qi_measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit_measure(qi_id, qi_measure_id):
    project = _project(qi_id)
    return _measure_page(project, _measure(project, qi_measure_id))


def _measure_page(project, measure):
    form = MeasureForm(obj=measure)
    if form.validate_on_submit():
        fields = {name: form[name].data or "" for name in actions.MEASURE_FIELDS}
        measure = actions.save_measure(project, by=current_user, fields=fields, measure=measure)
        flash(f"Measure “{measure.name}” saved.", "success")
        return redirect(url_for("qi.project", qi_id=project.id))
    return form_page("qi/measure_form.html", form, project=project, measure=measure)


@bp.route("/qi/<int:qi_id>/measures/<int:qi_measure_id>/values", methods=["GET", "POST"])
@login_required
def values(qi_id, qi_measure_id):
    project = _project(qi_id)
    measure = _measure(project, qi_measure_id)
    form = ValueForm()
    if form.validate_on_submit():
        try:
            actions.record_value(
                measure,
                by=current_user,
                measured_on=form.measured_on.data,
                value=form.value.number,
                note=form.note.data or "",
            )
        except actions.QIError as refusal:
            form[refusal.field].errors.append(str(refusal))
        else:
            flash("Value recorded.", "success")
            return redirect(url_for("qi.values", qi_id=project.id, qi_measure_id=measure.id))
    return form_page(
        "qi/values.html",
        form,
        project=project,
        measure=measure,
        chart=export.measure_chart(project, measure),
    )


@bp.route(
    "/qi/<int:qi_id>/measures/<int:qi_measure_id>/values/<int:qi_value_id>/delete",
    methods=["POST"],
)
@login_required
def delete_value(qi_id, qi_measure_id, qi_value_id):
    project = _project(qi_id)
    measure = _measure(project, qi_measure_id)
    point = _child(QIMeasureValue, qi_value_id, measure, attribute="measure_id")
    form = CsrfOnlyForm()
    if form.validate_on_submit():
        actions.delete_value(point, by=current_user)
        flash("Value deleted.", "success")
    return redirect(url_for("qi.values", qi_id=project.id, qi_measure_id=measure.id))


@bp.route("/qi/<int:qi_id>/cycles/new", methods=["GET", "POST"])
@login_required
def new_cycle(qi_id):
    project = _project(qi_id)
    return _cycle_page(project, None)


@bp.route("/qi/<int:qi_id>/cycles/<int:qi_cycle_id>/edit", methods=["GET", "POST"])
@login_required
def edit_cycle(qi_id, qi_cycle_id):
    project = _project(qi_id)
    return _cycle_page(project, _child(PDSACycle, qi_cycle_id, project))


def _cycle_page(project, cycle):
    form = CycleForm(obj=cycle)
    if cycle is None and request.method == "GET":
        form.number.data = max((c.number for c in project.cycles), default=0) + 1
    if form.validate_on_submit():
        try:
            cycle = actions.save_cycle(project, by=current_user, fields=form.cleaned(), cycle=cycle)
        except actions.QIError as refusal:
            form[refusal.field].errors.append(str(refusal))
        else:
            flash(f"PDSA cycle {cycle.number} saved.", "success")
            return redirect(url_for("qi.project", qi_id=project.id))
    return form_page("qi/cycle_form.html", form, project=project, cycle=cycle)


@bp.route("/qi/<int:qi_id>/summary.pdf")
@login_required
def export_pdf(qi_id):
    project = _project(qi_id)
    body = export.render_pdf(project)
    actions.log_export(project, by=current_user, fmt="pdf")
    return export.download(body, project, "pdf", "application/pdf")


@bp.route("/qi/<int:qi_id>/summary.md")
@login_required
def export_markdown(qi_id):
    project = _project(qi_id)
    body = export.render_markdown(project)
    actions.log_export(project, by=current_user, fmt="markdown")
    return export.download(body.encode(), project, "md", "text/markdown; charset=utf-8")
