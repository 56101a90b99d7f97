"""The study team's survey pages: overview, question editor, JSON export/import, waves, emails."""

from flask import render_template
from flask_login import current_user, login_required

from pact_feedback.core.time import today
from pact_feedback.surveys import actions, queries
from pact_feedback.surveys.definitions import FIXED_CODES, TYPE_LABELS
from pact_feedback.surveys.forms import ActionForm
from pact_feedback.surveys.stats import _study_survey
from pact_feedback.surveys.views import bp


@bp.route("/studies/<slug>/survey")
@login_required
def manage(slug):
    study, survey = _study_survey(slug)
    if actions.schedule_waves(survey):  # reports released since the last visit
        from pact_feedback.extensions import db

        db.session.commit()
    counts = {w.number: len(queries.submitted_practice_ids(w)) for w in survey.waves}
    return render_template(
        "surveys/manage.html",
        study=study,
        survey=survey,
        today=today(),
        counts=counts,
        n_sent=queries.count_sent(study),
        sends=queries.send_log(survey),
        fixed=FIXED_CODES,
        type_labels=TYPE_LABELS,
        action_form=ActionForm(),
        user=current_user,
    )
