"""Keeps a withdrawn participant's diary closed: no new days or entries, said kindly."""

from flask import flash, jsonify, redirect, request, url_for
from flask_login import current_user

from pact_feedback.governance.actions import is_withdrawn

WITHDRAWN_MESSAGE = (
    "You have withdrawn from this study, so your diary is closed and nothing more is collected. "
    "What you recorded before is kept unless you ask for it to be erased."
)


def refuse_withdrawn_diary():
    """Runs before every request: a withdrawn participant's diary pages go back to the study."""
    if request.blueprint != "diary" or not (request.view_args or {}).get("slug"):
        return None
    if not current_user.is_authenticated:
        return None
    from pact_feedback.participation.access import participation_in
    from pact_feedback.studies.actions import study_by_slug

    study = study_by_slug(request.view_args["slug"])
    membership = participation_in(current_user, study) if study else None
    if membership is None or not is_withdrawn(membership.user_id, study.id):
        return None
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"withdrawn": WITHDRAWN_MESSAGE}), 409
    flash(WITHDRAWN_MESSAGE, "info")
    return redirect(url_for("participation.study", slug=study.slug))
