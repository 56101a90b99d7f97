"""A job's progress page (updates itself with JavaScript, or on refresh) and its retry."""

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from pact_feedback.accounts.access import is_study_team, require
from pact_feedback.audit.log import record_read
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.jobs import queue
from pact_feedback.jobs.files import read_chunks
from pact_feedback.jobs.models import JobRun
from pact_feedback.jobs.queries import job_file, progress
from pact_feedback.studies.models import Study

bp = Blueprint("jobs", __name__)


class RetryForm(FlaskForm):
    """Retry a failed job: a button, with CSRF."""


def _run_for_team(run_id: int) -> tuple[JobRun, Study | None]:
    run = db.session.get(JobRun, run_id)
    if run is None:
        abort(404)
    study = db.session.get(Study, run.study_id) if run.study_id else None
    # Only the study team of the job's study learns that it exists.
    require(is_study_team(current_user, study), hide=True)
    return run, study


@bp.route("/jobs/<int:run_id>")
@login_required
def show(run_id):
    run, study = _run_for_team(run_id)
    return render_template(
        "jobs/show.html",
        run=run,
        study=study,
        progress=progress(run),
        form=RetryForm(),
        file=job_file(run),
    )


@bp.route("/jobs/<int:run_id>/progress")
@login_required
def status(run_id):
    run, _ = _run_for_team(run_id)
    return jsonify(progress(run))


@bp.route("/jobs/<int:run_id>/retry", methods=["POST"])
@login_required
def retry(run_id):
    run, _ = _run_for_team(run_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    if run.status != "failed":
        flash("Only a job that failed can be retried.", "error")
    else:
        queue.retry(run)
        flash("Retrying. Emails already sent are not sent again.", "success")
    return redirect(url_for("jobs.show", run_id=run.id))


@bp.route("/jobs/<int:run_id>/file")
@login_required
def download(run_id):
    """The file the job made (an analysis export), while it is kept; each download audited."""
    run, study = _run_for_team(run_id)
    made = job_file(run)
    if made is None:
        abort(404)
    if made.expires_at <= utcnow():
        abort(410)
    record_read("job_file_downloaded", by=current_user, obj=study, job=run.id, file=made.name)
    return Response(
        read_chunks(db.engine, made.id, made.size),
        mimetype=made.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{made.name}"',
            "Content-Length": str(made.size),
        },
    )
