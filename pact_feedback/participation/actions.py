"""Participant writes: giving consent and recording the staff role."""

from sqlalchemy import select

from pact_feedback.accounts.models import Consent, Membership
from pact_feedback.audit.log import record
from pact_feedback.extensions import db


def current_consent(membership: Membership) -> Consent | None:
    """The consent to the study's *current* information sheet, if given."""
    return db.session.scalar(
        select(Consent)
        .filter_by(
            user_id=membership.user_id,
            study_id=membership.study_id,
            pis_version=membership.study.pis_version,
        )
        .order_by(Consent.consented_at.desc())
    )


def give_consent(membership: Membership, *, staff_role: str, by) -> Consent:
    consent = Consent(
        user_id=membership.user_id,
        study_id=membership.study_id,
        pis_version=membership.study.pis_version,
    )
    db.session.add(consent)
    previous_role = membership.staff_role
    membership.staff_role = staff_role
    db.session.flush()
    record("consent_given", by=by, obj=consent, pis_version=consent.pis_version)
    if previous_role != staff_role:
        record("staff_role_set", by=by, obj=membership, old=previous_role, new=staff_role)
    db.session.commit()
    return consent
