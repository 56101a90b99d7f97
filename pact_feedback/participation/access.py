"""The participant gate every feature's "take part" pages share (beside
`pact_feedback.studies.access.managed_study`, the study team's)."""

from flask import abort
from flask_login import current_user

from pact_feedback.accounts.access import memberships_with_role, require
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.studies.actions import study_by_slug


def participation_in(user, study):
    """The participant membership of `user` in `study`, or None."""
    return next(
        (m for m in memberships_with_role(user, PARTICIPANT) if m.study_id == study.id), None
    )


def my_participation(slug: str):
    """(study, membership) of the signed-in participant in the study `slug`: 404 for a study
    that does not exist or that they do not take part in (not even its existence leaks)."""
    study = study_by_slug(slug)
    if study is None:
        abort(404)
    membership = participation_in(current_user, study)
    require(membership is not None, hide=True)
    return study, membership
