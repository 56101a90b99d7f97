"""The gates every feature's study and practice pages share: the study team's
(`managed_study`) and a practice's own pages (`visible_practice`). The participant's is
`pact_feedback.participation.access.my_participation`."""

from flask import abort
from flask_login import current_user

from pact_feedback.accounts.access import (
    is_global_study_team,
    is_study_team,
    leads_practice,
    require,
)
from pact_feedback.practices.importing import practices_by_code
from pact_feedback.practices.models import Practice
from pact_feedback.studies.actions import study_by_slug


def managed_study(slug: str):
    """The study named `slug` for a member of its study team: 404 if there is no such study,
    403 (logged) for anyone else."""
    study = study_by_slug(slug)
    if study is None:
        abort(404)
    require(is_study_team(current_user, study))
    return study


def visible_practice(ods_code: str) -> Practice:
    """The practice with this ODS code, for its own lead or the whole-network study team: 404
    for anyone else, so another practice's pages do not even confirm that it exists."""
    practice = practices_by_code([ods_code.upper()]).get(ods_code.upper())
    if practice is None:
        abort(404)
    require(leads_practice(current_user, practice) or is_global_study_team(current_user), hide=True)
    return practice
