"""A participant's standing in a study and the writes that change it: consent (with the
information sheet version), the staff role, withdrawal."""

from typing import NamedTuple

from sqlalchemy import exists, select

from pact_feedback.accounts.models import Consent, Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.audit.log import record
from pact_feedback.extensions import db
from pact_feedback.participation.models import Withdrawal

WITHDRAWN_MESSAGE = (
    "You have withdrawn from this study, so your diary is closed and nothing more is collected. "
    "What you recorded before is kept unless you ask for it to be erased."
)


class Standing(NamedTuple):
    """A participant's standing in a study: may they keep a diary for it?"""

    membership_id: int
    consented: bool  # to the study's current information sheet, as `current_consent`
    withdrawn: bool


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


def standing_columns(user_id, study_id, pis_version) -> tuple:
    """(membership id, consented, withdrawn) as SQL expressions. The arguments are values or
    columns of an enclosing query (the API checks a diary day and its owner's standing in one
    statement). Consent counts only for the study's current information sheet."""
    membership = (
        select(Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.study_id == study_id,
            Membership.role == PARTICIPANT,
        )
        .order_by(Membership.id)
        .limit(1)
        .scalar_subquery()
    )
    consented = exists().where(
        Consent.user_id == user_id,
        Consent.study_id == study_id,
        Consent.pis_version == pis_version,
    )
    withdrawn = exists().where(Withdrawal.user_id == user_id, Withdrawal.study_id == study_id)
    return membership, consented, withdrawn


def standing_from(membership_id, consented, withdrawn) -> Standing | None:
    if membership_id is None:
        return None
    return Standing(membership_id, bool(consented), bool(withdrawn))


def participant_standing(user_id: int, study) -> Standing | None:
    """Membership, consent and withdrawal in one query (the API asks on every request); None
    when `user_id` is not a participant of `study`."""
    row = db.session.execute(select(*standing_columns(user_id, study.id, study.pis_version))).one()
    return standing_from(*row)


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
    db.session.commit()
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
