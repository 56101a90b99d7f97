"""The study-team gate every feature's study pages share."""

from flask import abort
from flask_login import current_user

from pact_feedback.accounts.access import is_study_team, require
from pact_feedback.studies.actions import study_by_slug


def managed_study(slug: str):
    """The study named `slug` for a member of its study team: 404 if there is no such study,
    403 (logged) for anyone else."""
    study = study_by_slug(slug)
    if study is None:
        abort(404)
    require(is_study_team(current_user, study))
    return study
