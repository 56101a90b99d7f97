"""Versioned consent: a new information sheet version asks everyone to re-confirm (the
participant's side, consent and its version, is `pact_feedback.participation.actions`).

A participant whose latest consent is to an older version is sent to the consent page (by the
study page, the diary and the API, which all look for consent to the *current* version) and
sees why; the new consent is recorded with its version and time.
"""

from pact_feedback.audit.log import record
from pact_feedback.core.transaction import commit


def change_pis_version(study, version: str, *, by) -> None:
    previous = study.pis_version
    study.pis_version = version
    record("pis_version_changed", by=by, obj=study, old=previous, new=version)
    commit()
