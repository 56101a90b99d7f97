"""A participant's standing in a study and the writes that change it: consent (with the
information sheet version), the staff role, withdrawal."""

from sqlalchemy import select

from pact_feedback.accounts.models import Consent, Membership
from pact_feedback.audit.log import record
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.participation.models import Withdrawal


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
    commit()
    return consent


def withdrawal_for(user_id: int, study_id: int) -> Withdrawal | None:
    return db.session.scalar(select(Withdrawal).filter_by(user_id=user_id, study_id=study_id))


def is_withdrawn(user_id: int, study_id: int) -> bool:
    return withdrawal_for(user_id, study_id) is not None


def withdraw(membership: Membership, *, by) -> Withdrawal:
    """Record the withdrawal (idempotent): no new diary days or entries from now on."""
    existing = withdrawal_for(membership.user_id, membership.study_id)
    if existing is not None:
        return existing
    withdrawal = Withdrawal(
        user_id=membership.user_id,
        study_id=membership.study_id,
        withdrawn_by_id=getattr(by, "id", None),
    )
    db.session.add(withdrawal)
    db.session.flush()
    record(
        "participant_withdrawn",
        by=by,
        obj=membership,
        study_id=membership.study_id,
        participant_id=membership.user_id,
        by_participant=getattr(by, "id", None) == membership.user_id,
    )
    commit()
    return withdrawal


def latest_consent(user_id: int, study_id: int) -> Consent | None:
    return db.session.scalar(
        select(Consent)
        .filter_by(user_id=user_id, study_id=study_id)
        .order_by(Consent.consented_at.desc(), Consent.id.desc())
    )


def withdrawn_consent(membership) -> Consent | None:
    """A withdrawn participant's last consent: they are not asked to re-confirm a new version."""
    if not is_withdrawn(membership.user_id, membership.study_id):
        return None
    return latest_consent(membership.user_id, membership.study_id)
