"""Versioned consent: a new information sheet version asks everyone to re-confirm.

A participant whose latest consent is to an older version is sent to the consent page (by the
study page, the diary and the API, which all look for consent to the *current* version) and
sees why; the new consent is recorded with its version and time.
"""

from sqlalchemy import select

from pact_feedback.accounts.models import Consent
from pact_feedback.audit.log import record
from pact_feedback.extensions import db


def latest_consent(user_id: int, study_id: int) -> Consent | None:
    return db.session.scalar(
        select(Consent)
        .filter_by(user_id=user_id, study_id=study_id)
        .order_by(Consent.consented_at.desc(), Consent.id.desc())
    )


def withdrawn_consent(membership) -> Consent | None:
    """A withdrawn participant's last consent: they are not asked to re-confirm a new version."""
    from pact_feedback.governance.actions import is_withdrawn

    if not is_withdrawn(membership.user_id, membership.study_id):
        return None
    return latest_consent(membership.user_id, membership.study_id)


def change_pis_version(study, version: str, *, by) -> None:
    previous = study.pis_version
    study.pis_version = version
    record("pis_version_changed", by=by, obj=study, old=previous, new=version)
    db.session.commit()
