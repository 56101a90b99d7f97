"""The practice register's pages: the study team lists practices and imports demographics.
A practice lead's page of their practice in studies is `pact_feedback.studies.practice_views`."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from pact_feedback.accounts.access import is_global_study_team, require
from pact_feedback.core.render import form_page
from pact_feedback.core.uploads import read_upload
from pact_feedback.extensions import db
from pact_feedback.practices.forms import ImportForm
from pact_feedback.practices.importing import import_practices, parse_practices
from pact_feedback.practices.models import Practice

bp = Blueprint("practices", __name__, url_prefix="/practices")


@bp.route("/")
@login_required
def index():
    require(is_global_study_team(current_user))
    practices = db.session.scalars(select(Practice).order_by(Practice.nation, Practice.name)).all()
    return render_template("practices/index.html", practices=practices)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_csv():
    require(is_global_study_team(current_user))
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        text = read_upload(form.csv_file.data, form.csv_file)
        if text is not None:
            result = parse_practices(text)
            if result.ok:
                created, updated = import_practices(result, by=current_user)
                flash(f"Imported {created} new practice(s) and updated {updated}.", "success")
                return redirect(url_for("practices.index"))
            form.csv_file.errors.append(
                f"The file has {len(result.errors)} problem(s). Nothing was imported: "
                "correct the rows below and upload it again."
            )
    return form_page("practices/import.html", form, result=result)
